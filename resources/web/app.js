// The Confab web client: sign in to the hub that served this page (API v2), then chat in its
// channels and direct messages over ONE event stream for the whole hub (a browser opens at most
// six HTTP/1.1 connections per host, so a stream per conversation cannot scale).
// The contract is docs/protocol.md. Everything a remote member wrote (names, texts, channel
// titles) reaches the page through textContent only, never as HTML.
'use strict';

(function () {
    const { t, tn, locale, formatLocales, formatSize, translateDocument } = window.ConfabI18n;
    const calls = window.ConfabCalls; // calls.js: everything about calls

    const ApiV2 = '/api/v2';
    const ApiV1 = '/api/v1';
    const SessionKey = 'confab.session';  // localStorage: a reload (or a phone killing the tab) resumes
    const NameKey = 'confab.name';
    const OpenKey = 'confab.open';        // the conversation open last, reopened on the next visit
    const DefaultChannel = 'lobby';
    const MaxNameChars = 32;
    const HistoryPageSize = 100;
    const MaxRenderedItems = 1500;        // older items leave the DOM; "load older" brings them back
    const TypingSendIntervalMs = 2000;    // the hub drops more frequent typing calls anyway
    const TypingShowMs = 5000;
    const SendRetryDelaysMs = [500, 1000, 2000, 4000, 8000]; // then the message is marked failed
    const DefaultRateLimitWaitMs = 1000;
    const ResyncDelayMs = 3000;           // when the hub cannot be reached or the stream gave up
    const ListRefreshDelayMs = 200;       // several unknown events in a burst: one list reload
    const NearBottomPx = 80;
    const SearchPageSize = 20;
    const SnippetChars = 160;             // a longer message shows this much around its match
    const SnippetLead = 40;               // of which this much before the match
    const FoundHighlightMs = 2500;        // a message opened from search is flashed this long
    const PhoneQuery = '(max-width: 40rem)'; // the same width as the stylesheet's two-screen layout
    // An EventSource cannot see the hub's heartbeat comments, so a link that died while the tab
    // was hidden (a phone asleep) would look open forever: after this long hidden, reconnect.
    const SilentDeathMs = 30000;

    const $ = (id) => document.getElementById(id);
    const phone = window.matchMedia(PhoneQuery);

    let session = null;          // {token, member: {id, name}}
    let stream = null;           // the one EventSource of this page
    let streamLastId = 0;        // newest history id this page has taken into account, hub-wide
    let resyncTimer = null;
    let listTimer = null;
    let roomsTimer = null;
    let hubSaidBye = false;
    let hiddenSince = 0;
    let lastTypingSentAt = 0;
    let typingSupported = true;  // false once the hub answered that it has no v2 typing route
    let membersSupported = true; // likewise for GET /api/v2/members
    let maxTextChars = 0;        // the hub's message limit from /healthz; 0 while unknown
    let hubInstance = '';        // the hub whose ids this page holds (/healthz), named to the stream
    let openId = null;           // the conversation shown
    let editing = null;          // {cid, messageId} while the composer edits a message
    let resyncing = null;        // the running resync, so that bursts share one
    let resyncAgain = false;     // asked for while one was running
    const conversations = new Map(); // cid -> {id, kind, title, with, lastEventId, unread, mentions}
    const views = new Map();     // cid -> the rendered page of a conversation (see newView)
    const members = new Map();   // member id -> {id, name, online}
    const pending = new Map();   // clientId -> {cid, item} of a message not seen back yet
    // The search shown: its query, its conversation (null: all), where "more" goes on, and a
    // sequence number so that only the latest request's answer is shown.
    const search = { query: '', cid: null, nextBefore: null, count: 0, seq: 0 };

    // ---- HTTP ---------------------------------------------------------------------------------

    async function api(method, path, body, prefix = ApiV2) {
        const headers = {};
        if (session)
            headers.Authorization = 'Bearer ' + session.token;
        const init = { method, headers, cache: 'no-store' };
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        const response = await fetch(prefix + path, init); // throws on a network error
        let json = null;
        if (response.status !== 204) {
            try {
                json = await response.json();
            } catch (e) {
                json = null;
            }
        }
        return { status: response.status, json, headers: response.headers };
    }

    function conversationPath(cid, suffix) {
        return '/conversations/' + encodeURIComponent(cid) + suffix;
    }

    function errorCode(result) {
        return result && result.json && result.json.error ? String(result.json.error.code) : '';
    }

    function errorText(result) {
        const code = errorCode(result);
        const keys = {
            bad_name: 'errorName', name_taken: 'errorNameTaken', wrong_password: 'errorPassword',
            unauthorized: 'errorPassword', unknown_room: 'errorRoom', rate_limited: 'errorRate',
            text_too_long: 'errorTooLong', channel_taken: 'errorChannelTaken',
            bad_channel: 'errorBadChannel', unknown_member: 'errorUnknownMember',
            not_author: 'errorNotAuthor', unknown_message: 'errorUnknownMessage',
        };
        if (keys[code])
            return t(keys[code]);
        return t('errorGeneric', { code: code || (result ? result.status : '?') });
    }

    function sleep(ms) {
        return new Promise((resolve) => setTimeout(resolve, ms));
    }

    // crypto.randomUUID() needs a secure context, which plain http on a LAN is not.
    function randomId() {
        const bytes = new Uint8Array(12);
        crypto.getRandomValues(bytes);
        return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    }

    function idOf(value) {
        const id = Number(value);
        return Number.isFinite(id) ? id : NaN;
    }

    // ---- local storage ------------------------------------------------------------------------

    function storageGet(key) {
        try {
            return localStorage.getItem(key);
        } catch (e) {
            return null; // private mode without storage
        }
    }

    function storageSet(key, value) {
        try {
            if (value === null)
                localStorage.removeItem(key);
            else
                localStorage.setItem(key, value);
        } catch (e) {
            // Without storage nothing survives a reload; the page works all the same.
        }
    }

    // A session stored by the v1 page ({token, member, room}) is kept: the hub takes v1 tokens on
    // v2 routes too.
    function loadSession() {
        try {
            const stored = JSON.parse(storageGet(SessionKey) || 'null');
            if (stored && typeof stored.token === 'string' && stored.member && stored.member.id)
                return { token: stored.token, member: { id: String(stored.member.id), name: String(stored.member.name) } };
        } catch (e) {
            // A broken entry is the same as none.
        }
        return null;
    }

    function saveSession() {
        storageSet(SessionKey, JSON.stringify(session));
        storageSet(NameKey, session.member.name);
    }

    function forgetSession() {
        session = null;
        storageSet(SessionKey, null);
        storageSet(OpenKey, null);
    }

    // ---- join view ----------------------------------------------------------------------------

    // The join form shows the hub's default channel (title, who is there) and asks for the
    // password when the hub is locked; GET /api/v1/rooms needs no token.
    async function loadRooms() {
        clearTimeout(roomsTimer);
        let result;
        try {
            result = await api('GET', '/rooms', undefined, ApiV1);
        } catch (e) {
            $('join-error').textContent = t('noHub');
            if (!$('join-view').hidden)
                roomsTimer = setTimeout(loadRooms, ResyncDelayMs);
            return;
        }
        if ($('join-error').textContent === t('noHub'))
            $('join-error').textContent = '';
        if (result.status !== 200 || !result.json || !Array.isArray(result.json.rooms))
            return;
        const rooms = result.json.rooms;
        const room = rooms.find((r) => r.id === DefaultChannel) || rooms[0];
        $('password-field').hidden = !(room && room.locked) && $('password-field').dataset.forced !== '1';
        $('room-summary').textContent = room
            ? t('roomSummary', {
                room: String(room.title || room.id), online: room.online,
                members: tn('memberCount', Number(room.members) || 0),
            })
            : '';
    }

    function showJoin(message) {
        closeStream();
        clearTimeout(resyncTimer);
        document.title = t('appName');
        $('chat-view').hidden = true;
        $('join-view').hidden = false;
        $('join-error').textContent = message || '';
        $('join-button').disabled = false;
        $('join-name').value = storageGet(NameKey) || '';
        $('join-name').focus();
        loadRooms();
    }

    async function onJoinSubmit(event) {
        event.preventDefault();
        const name = $('join-name').value.trim();
        if (!name || name.length > MaxNameChars) {
            $('join-error').textContent = t('errorName');
            return;
        }
        const body = { name };
        if (!$('password-field').hidden)
            body.password = $('join-password').value;
        $('join-button').disabled = true;
        $('join-error').textContent = t('joining');
        let result;
        try {
            result = await api('POST', '/session', body);
        } catch (e) {
            result = null;
        }
        $('join-button').disabled = false;
        if (!result) {
            $('join-error').textContent = t('noHub');
            return;
        }
        if (result.status !== 201 || !result.json || !result.json.token || !result.json.member) {
            if (errorCode(result) === 'wrong_password') {
                // The room list may be stale: ask for the password from now on.
                $('password-field').dataset.forced = '1';
                $('password-field').hidden = false;
            }
            $('join-error').textContent = errorText(result);
            return;
        }
        session = {
            token: String(result.json.token),
            member: { id: String(result.json.member.id), name: String(result.json.member.name) },
        };
        $('join-password').value = '';
        storageSet(OpenKey, null);
        saveSession();
        enterChat();
    }

    // ---- chat view: screens and state ---------------------------------------------------------

    function isPhone() {
        return phone.matches;
    }

    // On a phone the list and the conversation are two screens; on a wide screen both show.
    function showScreen(screen) {
        $('chat-view').dataset.screen = screen;
        if (screen === 'conversation')
            markReadIfVisible();
        renderTitle();
    }

    function conversationVisible() {
        return openId !== null && !document.hidden && !$('chat-view').hidden
            && (!isPhone() || $('chat-view').dataset.screen === 'conversation');
    }

    function totalUnread() {
        let total = 0;
        for (const conversation of conversations.values())
            total += Number(conversation.unread) || 0;
        return total;
    }

    function conversationTitle(conversation) {
        if (!conversation)
            return '';
        if (conversation.kind === 'dm')
            return String((conversation.with && conversation.with.name) || conversation.title || '?');
        return String(conversation.title || conversation.id);
    }

    function renderTitle() {
        const conversation = conversations.get(openId);
        const base = (conversation ? conversationTitle(conversation) + ' – ' : '') + t('appName');
        const unread = totalUnread();
        document.title = unread > 0 ? '(' + unread + ') ' + base : base;
    }

    // After `bye`, "Host closed the room" stays until the stream is open again: the failed
    // reconnections that follow (refused, 503 while the hub stops) are no news.
    function setState(state) {
        const labels = {
            connecting: 'stateConnecting', live: 'stateLive', reconnecting: 'stateReconnecting',
            offline: 'stateOffline', stopped: 'stateHubStopped',
        };
        for (const element of [$('connection-state'), $('list-state')]) {
            element.textContent = t(labels[state]);
            element.dataset.state = state;
            element.title = element.textContent; // the whole text where a phone's top bar cuts it
        }
        $('chat-view').dataset.state = state; // the stylesheet greys out presence while not live
        $('members-note').textContent = state === 'stopped' ? t('roomClosed') : '';
        $('members-note').hidden = state !== 'stopped' && membersSupported;
        if (state !== 'stopped' && !membersSupported)
            $('members-note').textContent = t('membersUnavailable');
    }

    function enterChat() {
        $('join-view').hidden = true;
        $('chat-view').hidden = false;
        $('me-name').textContent = session.member.name;
        conversations.clear();
        views.clear();
        members.clear();
        openId = null;
        streamLastId = 0;
        renderSidebar();
        renderMembers();
        renderSearchScope();
        // A phone starts on the list, unless it comes back to a conversation it had open.
        showScreen(storageGet(OpenKey) && isPhone() ? 'conversation' : 'list');
        resync();
    }

    // Loads the conversation list and the open conversation's newest page, then opens the stream
    // where they end. On entering, after `reset`, when the stream gave up, and when the page
    // learns of a conversation it does not know.
    function resync() {
        if (resyncing) {
            // The running one may have read the list before what prompted this call.
            resyncAgain = true;
            return resyncing;
        }
        resyncing = (async () => {
            do {
                resyncAgain = false;
                await doResync();
            } while (resyncAgain && session);
        })().finally(() => {
            resyncing = null;
        });
        return resyncing;
    }

    async function doResync() {
        clearTimeout(resyncTimer);
        closeStream();
        setState(hubSaidBye ? 'stopped' : 'connecting');
        await loadLimits(); // and the hub instance, read before the ids it vouches for
        await refreshFilesCookie(); // before the pages with images are shown
        const listed = await loadConversations();
        if (!session)
            return;
        if (listed === 'unauthorized') {
            sessionEnded();
            return;
        }
        if (listed !== 'ok') {
            setState(hubSaidBye ? 'stopped' : 'offline');
            resyncTimer = setTimeout(resync, ResyncDelayMs);
            return;
        }
        // Every page shown is reloaded: the stream below replays only what came after the list.
        for (const view of views.values())
            view.loaded = false;
        let wanted = openId || storageGet(OpenKey);
        if (!conversations.has(wanted))
            wanted = conversations.has(DefaultChannel) ? DefaultChannel : (conversations.keys().next().value || null);
        await openConversation(wanted, { keepScreen: true });
        if (!session)
            return;
        openStream();
        refreshMembers();
    }

    // GET /api/v2/conversations: 'ok', 'unauthorized' or 'failed'.
    async function loadConversations() {
        let result;
        try {
            result = await api('GET', '/conversations');
        } catch (e) {
            return 'failed';
        }
        if (result.status === 401)
            return 'unauthorized';
        if (result.status !== 200 || !result.json || !Array.isArray(result.json.conversations))
            return 'failed';
        const seen = new Set();
        for (const raw of result.json.conversations) {
            const conversation = normaliseConversation(raw);
            if (!conversation)
                continue;
            seen.add(conversation.id);
            conversations.set(conversation.id, conversation);
            streamLastId = Math.max(streamLastId, conversation.lastEventId);
        }
        for (const cid of [...conversations.keys()]) {
            if (!seen.has(cid))
                forgetConversation(cid);
        }
        renderSidebar();
        return 'ok';
    }

    function normaliseConversation(raw) {
        if (!raw || typeof raw !== 'object' || !raw.id)
            return null;
        const withMember = raw.with && typeof raw.with === 'object'
            ? { id: String(raw.with.id), name: String(raw.with.name) } : null;
        return {
            id: String(raw.id),
            kind: raw.kind === 'dm' ? 'dm' : 'channel',
            title: String(raw.title || raw.id),
            topic: raw.topic ? String(raw.topic) : '',
            with: withMember,
            lastEventId: idOf(raw.lastEventId) || 0,
            unread: Math.max(0, Number(raw.unread) || 0),
            mentions: Math.max(0, Number(raw.mentions) || 0),
        };
    }

    function forgetConversation(cid) {
        conversations.delete(cid);
        views.delete(cid);
        for (const [clientId, entry] of pending) {
            if (entry.cid === cid)
                pending.delete(clientId);
        }
        if (openId === cid) {
            openId = null;
            $('messages').replaceChildren();
        }
    }

    // A reload of the list (and of the open page) soon: several events in a burst share one.
    function scheduleResync() {
        clearTimeout(listTimer);
        listTimer = setTimeout(() => {
            if (session)
                resync();
        }, ListRefreshDelayMs);
    }

    // Counts only: the list again, no page and no stream (a `read` from another device).
    function scheduleCountsRefresh() {
        clearTimeout(listTimer);
        listTimer = setTimeout(async () => {
            if (session && (await loadConversations()) === 'ok')
                markReadIfVisible();
        }, ListRefreshDelayMs);
    }

    async function refreshAfterReconnect() {
        await refreshFilesCookie(); // a hub that restarted may have forgotten it
        if ((await loadConversations()) !== 'ok' || !session)
            return;
        if (openId !== null && !conversations.has(openId)) {
            openConversation(conversations.has(DefaultChannel) ? DefaultChannel
                : (conversations.keys().next().value || null), { keepScreen: true });
            return;
        }
        for (const [cid, view] of views) {
            if (cid !== openId)
                view.loaded = false; // loaded again when next opened
        }
        if (openId !== null && (await loadNewestPage(openId)))
            markReadIfVisible();
    }

    // ---- sidebar ------------------------------------------------------------------------------

    function sortedConversations(kind) {
        return [...conversations.values()].filter((c) => c.kind === kind)
            .sort((a, b) => conversationTitle(a).localeCompare(conversationTitle(b), locale));
    }

    function renderSidebar() {
        renderConversationList($('channel-list'), sortedConversations('channel'));
        const dms = sortedConversations('dm');
        renderConversationList($('dm-list'), dms);
        $('dm-empty').hidden = dms.length > 0;
        renderTitle();
    }

    function renderConversationList(list, items) {
        list.replaceChildren();
        for (const conversation of items) {
            const item = document.createElement('li');
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'conversation-row';
            button.dataset.cid = conversation.id;
            if (conversation.id === openId)
                button.setAttribute('aria-current', 'true');
            if (conversation.unread > 0)
                button.classList.add('has-unread');
            const mark = document.createElement('span');
            mark.className = 'mark';
            if (conversation.kind === 'dm') {
                const other = conversation.with ? members.get(conversation.with.id) : null;
                mark.classList.add('dot');
                if (other && other.online)
                    mark.classList.add('is-online');
            } else {
                mark.textContent = '#';
            }
            const name = document.createElement('span');
            name.className = 'name';
            name.textContent = conversationTitle(conversation);
            button.append(mark, name);
            if (conversation.mentions > 0) {
                const badge = document.createElement('span');
                badge.className = 'badge mention-badge';
                badge.textContent = '@' + conversation.mentions;
                badge.title = tn('mentionCount', conversation.mentions);
                button.append(badge);
            }
            if (conversation.unread > 0) {
                const badge = document.createElement('span');
                badge.className = 'badge unread-badge';
                badge.textContent = String(conversation.unread);
                badge.title = tn('unreadCount', conversation.unread);
                button.append(badge);
            }
            button.addEventListener('click', () => openConversation(conversation.id, {}));
            item.append(button);
            list.append(item);
        }
    }

    // ---- conversations: pages -----------------------------------------------------------------

    // The rendered page of one conversation, kept while another is shown, with its draft and
    // scroll position.
    function newView() {
        const list = document.createElement('ol');
        list.className = 'messages';
        list.setAttribute('aria-live', 'polite');
        // gap: the page is one around a search hit, and newer messages exist beyond it.
        return {
            list, loaded: false, lastId: 0, oldestId: null, hasMore: false, gap: false, draft: '',
            scrollTop: null, typists: new Map(), streamed: 0,
        };
    }

    function viewOf(cid) {
        let view = views.get(cid);
        if (!view) {
            view = newView();
            views.set(cid, view);
        }
        return view;
    }

    function saveOpenView() {
        if (openId === null)
            return;
        const view = views.get(openId);
        if (!view)
            return;
        if (!editing)
            view.draft = $('message-input').value;
        const timeline = $('timeline');
        const atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < NearBottomPx;
        view.scrollTop = atBottom ? null : timeline.scrollTop;
    }

    // Shows a conversation: its kept page, or its newest page from the hub.
    // With `around` (a message id, from search): at that message, which is flashed.
    async function openConversation(cid, { keepScreen = false, around = null } = {}) {
        if (cid !== openId) {
            saveOpenView();
            cancelEdit();
        }
        if (cid === null || !conversations.has(cid)) {
            openId = null;
            openMembers = null;
            renderMembers();
            $('messages').replaceChildren();
            $('room-title').textContent = '';
            calls.conversationShown(null);
            $('older-button').hidden = true;
            renderNewestButton();
            renderSearchScope();
            renderSidebar();
            return;
        }
        const switched = cid !== openId;
        openId = cid;
        storageSet(OpenKey, cid);
        if (switched) {
            openMembers = new Set(); // not the last conversation's people under this title
            renderMembers();
            refreshOpenMembers();
        }
        const view = viewOf(cid);
        const conversation = conversations.get(cid);
        $('room-title').textContent = conversationTitle(conversation);
        $('room-title').title = conversation.topic || '';
        // Shown by the stylesheet while the page holds nothing (CSS attr(): text, never markup).
        view.list.dataset.empty = conversation.kind === 'dm'
            ? t('dmStart', { name: conversationTitle(conversation) })
            : t('channelStart', { name: conversationTitle(conversation) });
        $('conversation').dataset.kind = conversation.kind;
        calls.conversationShown(conversation);
        const shown = $('messages');
        if (shown !== view.list) {
            shown.removeAttribute('id');
            shown.replaceWith(view.list);
            view.list.id = 'messages';
        }
        if (switched) {
            $('message-input').value = view.draft;
            fitComposer();
            checkComposerLength();
        }
        $('older-button').hidden = !view.hasMore;
        renderNewestButton();
        renderSearchScope();
        renderTyping();
        renderSidebar();
        renderUploads();
        if (!keepScreen)
            showScreen('conversation');
        if (around !== null) {
            const shownAlready = view.loaded
                && view.list.querySelector('.message[data-id="' + around + '"]');
            if (!shownAlready)
                await loadAroundPage(cid, around);
            if (openId !== cid)
                return;
            flashMessage(cid, around);
            markReadIfVisible();
            return;
        }
        if (!view.loaded)
            await loadNewestPage(cid);
        if (openId !== cid)
            return;
        if (view.scrollTop === null)
            scrollToBottom();
        else
            $('timeline').scrollTop = view.scrollTop;
        markReadIfVisible();
        if (switched && !isPhone())
            $('message-input').focus({ preventScroll: true });
    }

    // An event of the conversation that comes over the stream while its page is on the way may
    // be missing from the page (the hub answered before storing it), and the page replaces what
    // the event added: then the page is asked for once more.
    async function loadNewestPage(cid, again = true) {
        const seen = viewOf(cid).streamed;
        let result;
        try {
            result = await api('GET', conversationPath(cid, '/messages?limit=' + HistoryPageSize));
        } catch (e) {
            return false;
        }
        if (!session)
            return false;
        if (result.status === 401) {
            sessionEnded();
            return false;
        }
        if (result.status === 404 || result.status === 403) {
            // Gone (left on another device) or never ours: the list says what is left.
            scheduleResync();
            return false;
        }
        if (result.status !== 200 || !result.json || !Array.isArray(result.json.events))
            return false;
        if (again && viewOf(cid).streamed !== seen)
            return loadNewestPage(cid, false);
        showHistory(cid, result.json.events, Boolean(result.json.hasMore));
        return true;
    }

    // hasNewer: a page around a search hit, with newer messages beyond it (view.gap).
    function showHistory(cid, events, hasMore, hasNewer = false) {
        const view = viewOf(cid);
        const list = view.list;
        const timeline = $('timeline');
        // A reload of the page shown (reconnect, reset) leaves someone reading older messages
        // where they are.
        const followBottom = cid !== openId || !list.childElementCount
            || timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < NearBottomPx;
        const keptScrollTop = timeline.scrollTop;
        list.replaceChildren();
        view.lastId = 0;
        view.oldestId = null;
        for (const event of events) {
            const item = renderHistoryEvent(event);
            if (item)
                list.append(item);
            const id = event && event.data ? idOf(event.data.id) : NaN;
            if (Number.isFinite(id)) {
                view.lastId = Math.max(view.lastId, id);
                view.oldestId = view.oldestId === null ? id : Math.min(view.oldestId, id);
            }
        }
        view.gap = hasNewer;
        // Messages this page sent that the history does not hold yet stay on screen (below
        // the newest page; a page around a hit shows them when the newest is loaded again).
        const stored = new Set(events.filter((e) => e && e.data && e.data.clientId)
            .map((e) => String(e.data.clientId)));
        for (const [clientId, entry] of pending) {
            if (entry.cid !== cid)
                continue;
            if (stored.has(clientId))
                pending.delete(clientId);
            else if (!hasNewer)
                list.append(entry.item);
        }
        const conversation = conversations.get(cid);
        if (conversation)
            conversation.lastEventId = Math.max(conversation.lastEventId, view.lastId);
        view.loaded = true;
        view.hasMore = hasMore;
        if (cid === openId) {
            $('older-button').hidden = !hasMore;
            renderNewestButton();
            if (followBottom)
                scrollToBottom();
            else
                timeline.scrollTop = keptScrollTop;
        }
    }

    function renderHistoryEvent(event) {
        if (!event || !event.data || typeof event.data !== 'object')
            return null;
        if (event.type === 'presence')
            return renderPresence(event.data);
        if (event.type === 'message')
            return renderMessage(event.data);
        return null;
    }

    async function loadOlder() {
        const cid = openId;
        const view = views.get(cid);
        if (!view || view.oldestId === null)
            return;
        $('older-button').disabled = true;
        let result = null;
        try {
            result = await api('GET', conversationPath(cid,
                '/messages?before=' + view.oldestId + '&limit=' + HistoryPageSize));
        } catch (e) {
            result = null;
        }
        $('older-button').disabled = false;
        if (openId !== cid || !result || result.status !== 200 || !result.json || !Array.isArray(result.json.events))
            return;
        const timeline = $('timeline');
        const distanceFromBottom = timeline.scrollHeight - timeline.scrollTop;
        const fragment = document.createDocumentFragment();
        for (const event of result.json.events) {
            const item = renderHistoryEvent(event);
            if (item)
                fragment.append(item);
            const id = event && event.data ? idOf(event.data.id) : NaN;
            if (Number.isFinite(id))
                view.oldestId = Math.min(view.oldestId, id);
        }
        view.list.prepend(fragment);
        view.hasMore = Boolean(result.json.hasMore);
        $('older-button').hidden = !view.hasMore;
        timeline.scrollTop = timeline.scrollHeight - distanceFromBottom;
    }

    // ---- read state ---------------------------------------------------------------------------

    // The open conversation is read when the person can see it: tab visible and, on a phone,
    // the conversation screen shown.
    function markReadIfVisible() {
        if (!conversationVisible())
            return;
        const conversation = conversations.get(openId);
        const view = views.get(openId);
        if (!conversation || !view || !view.loaded)
            return;
        const upTo = Math.max(view.lastId, 0);
        const changed = conversation.unread > 0 || conversation.mentions > 0;
        conversation.unread = 0;
        conversation.mentions = 0;
        if (changed)
            renderSidebar();
        if (upTo > 0 && (changed || upTo > (conversation.readUpTo || 0))) {
            conversation.readUpTo = upTo;
            api('POST', conversationPath(conversation.id, '/read'), { upTo }).catch(() => {});
        }
    }

    // ---- search (GET /api/v2/search) ----------------------------------------------------------

    // The results replace the conversation lists in the sidebar (on a phone: the list screen)
    // until closed, so that another hit is one tap away after opening one.
    function searchOpen() {
        return !$('search-panel').hidden;
    }

    function showSearchPanel(open) {
        $('search-panel').hidden = !open;
        $('lists').hidden = open;
        $('sidebar').classList.toggle('searching', open);
    }

    function closeSearch() {
        search.seq += 1; // an answer still on its way is ignored
        search.query = '';
        $('search-input').value = '';
        $('search-results').replaceChildren();
        showSearchPanel(false);
    }

    function focusSearch() {
        if (isPhone() && $('chat-view').dataset.screen !== 'list') {
            saveOpenView();
            showScreen('list');
        }
        $('search-input').focus();
        $('search-input').select();
    }

    function renderSearchScope() {
        const here = $('search-here');
        here.disabled = openId === null;
        const conversation = conversations.get(search.cid || openId);
        $('search-scope-label').textContent = search.cid && conversation
            ? t('searchIn', { name: conversationTitle(conversation) })
            : t('searchAll');
    }

    function onSearchSubmit(event) {
        event.preventDefault();
        const query = $('search-input').value;
        if (!query.trim()) {
            closeSearch();
            return;
        }
        search.query = query;
        search.cid = $('search-here').checked && openId !== null ? openId : null;
        search.count = 0;
        $('search-results').replaceChildren();
        showSearchPanel(true);
        runSearch(null);
    }

    // One page of results; `before` (the last answer's nextBefore) continues an earlier search.
    async function runSearch(before) {
        const seq = ++search.seq;
        const params = new URLSearchParams({ q: search.query, limit: String(SearchPageSize) });
        if (search.cid)
            params.set('conversation', search.cid);
        if (before !== null)
            params.set('before', String(before));
        renderSearchScope();
        setSearchStatus(t('searching'), 'busy');
        $('search-more').hidden = true;
        let result;
        try {
            result = await api('GET', '/search?' + params.toString());
        } catch (e) {
            result = null;
        }
        if (seq !== search.seq || !session)
            return;
        if (!result) {
            setSearchStatus(t('searchFailed'), 'error');
            return;
        }
        if (result.status === 401) {
            sessionEnded();
            return;
        }
        if (result.status !== 200 || !result.json || !Array.isArray(result.json.results)) {
            setSearchStatus(searchErrorText(result), 'error');
            return;
        }
        const list = $('search-results');
        for (const hit of result.json.results) {
            const item = renderSearchHit(hit);
            if (item) {
                list.append(item);
                search.count += 1;
            }
        }
        const json = result.json;
        const nextBefore = idOf(json.nextBefore);
        search.nextBefore = json.hasMore && Number.isFinite(nextBefore) ? nextBefore : null;
        $('search-more').hidden = search.nextBefore === null;
        const notes = [];
        if (search.count === 0)
            notes.push(search.nextBefore === null ? t('searchNone', { query: search.query.trim() }) : t('searchNoneYet'));
        else if (search.nextBefore === null)
            notes.push(tn('searchCount', search.count));
        else
            notes.push(t('searchCountMore', { count: search.count }));
        if (json.truncated)
            notes.push(t('searchTruncated'));
        if (json.indexing)
            notes.push(t('searchIndexing'));
        setSearchStatus(notes.join(' '), search.count === 0 && search.nextBefore === null ? 'empty' : 'done');
    }

    function setSearchStatus(text, state) {
        const status = $('search-status');
        status.textContent = text;
        status.dataset.state = state;
    }

    function searchErrorText(result) {
        const code = errorCode(result);
        if (code === 'query_too_short')
            return t('searchTooShort');
        if (code === 'bad_query')
            return t('searchBadQuery');
        if (code === 'unknown_conversation' || code === 'not_a_member')
            return t('searchGone');
        if (result.status === 404 || result.status === 405)
            return t('searchUnavailable'); // a hub from before search
        return errorText(result);
    }

    // One hit: where, who, when, and the text with the matched ranges marked. Built from text
    // nodes and <mark> elements: the text is a remote member's and never parsed as HTML.
    function renderSearchHit(hit) {
        if (!hit || typeof hit !== 'object' || !hit.message || typeof hit.message !== 'object')
            return null;
        const message = hit.message;
        const id = idOf(message.id);
        const where = hit.conversation && typeof hit.conversation === 'object' ? hit.conversation : {};
        const cid = String(where.id !== undefined ? where.id : message.conversation || '');
        if (!Number.isFinite(id) || !cid)
            return null;
        const known = conversations.get(cid);
        const item = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'search-hit';
        button.dataset.cid = cid;
        button.dataset.id = String(id);
        const meta = document.createElement('div');
        meta.className = 'meta';
        const place = document.createElement('span');
        place.className = 'hit-conversation';
        const kind = known ? known.kind : String(where.kind || '');
        const title = known ? conversationTitle(known) : String(where.title || cid);
        place.textContent = kind === 'dm' ? t('searchDm', { name: title }) : '#' + title;
        const author = document.createElement('span');
        author.className = 'author';
        author.textContent = String((message.from && message.from.name) || '?');
        const when = document.createElement('time');
        const date = new Date(Number(message.ts) || 0);
        when.dateTime = date.toISOString();
        when.textContent = hitTimeFormat.format(date);
        meta.append(place, ' · ', author, ' ', when);
        const text = document.createElement('div');
        text.className = 'text';
        appendHighlighted(text, String(message.text || ''), Array.isArray(hit.ranges) ? hit.ranges : []);
        button.append(meta, text);
        button.addEventListener('click', () => openAtMessage(cid, id));
        item.append(button);
        return item;
    }

    // Ranges are [start, length] in UTF-16 code units, the indices of JavaScript strings. A long
    // message shows a window around its first match, cut at character (not surrogate) borders.
    function appendHighlighted(parent, text, ranges) {
        const clean = ranges
            .filter((r) => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1])
                && r[0] >= 0 && r[1] > 0 && r[0] < text.length)
            .map((r) => [r[0], Math.min(r[0] + r[1], text.length)])
            .sort((a, b) => a[0] - b[0]);
        let from = 0;
        let to = text.length;
        if (text.length > SnippetChars) {
            from = clean.length ? Math.max(0, clean[0][0] - SnippetLead) : 0;
            to = Math.min(text.length, from + SnippetChars);
            from = Math.max(0, Math.min(from, to - SnippetChars));
            if (from > 0 && isLowSurrogate(text.charCodeAt(from)))
                from += 1;
            if (to < text.length && isLowSurrogate(text.charCodeAt(to)))
                to -= 1;
        }
        if (from > 0)
            parent.append('…');
        let shown = from;
        for (const [start, end] of clean) {
            const a = Math.max(start, shown);
            const b = Math.min(end, to);
            if (a >= b)
                continue;
            parent.append(text.slice(shown, a));
            const mark = document.createElement('mark');
            mark.className = 'hit';
            mark.textContent = text.slice(a, b);
            parent.append(mark);
            shown = b;
        }
        parent.append(text.slice(shown, to));
        if (to < text.length)
            parent.append('…');
    }

    function isLowSurrogate(code) {
        return code >= 0xdc00 && code <= 0xdfff;
    }

    // Opens a conversation at one message: the page already shown when it holds the message,
    // else the page around it from the hub. The message is scrolled to and flashed.
    async function openAtMessage(cid, id) {
        if (!conversations.has(cid)) {
            setSearchStatus(t('searchGone'), 'error');
            return;
        }
        await openConversation(cid, { around: id });
    }

    async function loadAroundPage(cid, id) {
        let result;
        try {
            result = await api('GET', conversationPath(cid,
                '/messages?around=' + encodeURIComponent(id) + '&limit=' + HistoryPageSize));
        } catch (e) {
            showToast(t('searchFailed'));
            return false;
        }
        if (!session)
            return false;
        if (result.status === 401) {
            sessionEnded();
            return false;
        }
        if (result.status !== 200 || !result.json || !Array.isArray(result.json.events)) {
            showToast(errorText(result));
            return false;
        }
        showHistory(cid, result.json.events, Boolean(result.json.hasMore),
            Boolean(result.json.hasNewer));
        return true;
    }

    function flashMessage(cid, id) {
        const view = views.get(cid);
        const item = view ? view.list.querySelector('.message[data-id="' + id + '"]') : null;
        if (!item)
            return;
        item.scrollIntoView({ block: 'center' });
        item.classList.remove('found');
        void item.offsetWidth; // restarts the animation when the same message is chosen again
        item.classList.add('found');
        clearTimeout(item.foundTimer);
        item.foundTimer = setTimeout(() => item.classList.remove('found'), FoundHighlightMs);
    }

    // Leaves a page around a search hit for the newest messages.
    async function jumpToNewest() {
        const cid = openId;
        if (cid === null)
            return;
        $('newest-button').disabled = true;
        const loaded = await loadNewestPage(cid);
        $('newest-button').disabled = false;
        if (loaded && openId === cid) {
            scrollToBottom();
            markReadIfVisible();
        }
    }

    function renderNewestButton() {
        const view = openId !== null ? views.get(openId) : null;
        $('newest-button').hidden = !(view && view.gap);
    }

    function onGlobalKey(event) {
        if ($('chat-view').hidden || event.defaultPrevented || document.querySelector('dialog[open]'))
            return;
        const target = event.target;
        const typing = target instanceof HTMLElement
            && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
        const find = (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey
            && event.key.toLowerCase() === 'f';
        if (find || (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey)) {
            event.preventDefault();
            focusSearch();
        }
    }

    // ---- members (people on the hub) ----------------------------------------------------------

    async function refreshMembers() {
        if (!membersSupported)
            return;
        let result;
        try {
            result = await api('GET', '/members');
        } catch (e) {
            return;
        }
        if (!session)
            return;
        if (result.status === 404 || result.status === 405) {
            // A hub without the hub-wide member list: the page works without it.
            membersSupported = false;
            $('chat-view').classList.add('no-member-list');
            setState($('chat-view').dataset.state || 'live');
            return;
        }
        if (result.status !== 200 || !result.json || !Array.isArray(result.json.members))
            return;
        members.clear();
        for (const member of result.json.members)
            members.set(String(member.id), { id: String(member.id), name: String(member.name), online: Boolean(member.online) });
        renderMembers();
        renderSidebar();
    }

    let membersTimer = null;
    function refreshMembersSoon() {
        clearTimeout(membersTimer);
        membersTimer = setTimeout(refreshMembers, ListRefreshDelayMs);
    }

    // One row per name. Names are unique among members online (case-insensitive), but a session
    // the person no longer uses stays listed, away, until it ends: the same person would show
    // twice, once online and once away. The row is online when any of them is.
    function membersByName(only = null) {
        const byName = new Map();
        for (const member of members.values()) {
            if (only && !only.has(member.id))
                continue;
            const key = member.name.toLocaleLowerCase();
            const mine = Boolean(session && member.id === session.member.id);
            const known = byName.get(key);
            if (!known) {
                byName.set(key, { id: member.id, ids: [member.id], name: member.name, online: member.online, mine });
            } else {
                known.ids.push(member.id);
                known.online = known.online || member.online;
                known.mine = known.mine || mine;
                if (member.online || mine) {
                    known.name = member.name;
                    known.id = member.id;
                }
            }
        }
        return [...byName.values()].sort((a, b) =>
            (b.online - a.online) || a.name.localeCompare(b.name, locale));
    }

    // The members panel lists the open conversation's members (GET /conversations/{cid}/members,
    // asked again on a switch, a join or leave there, and a reconnect); "Message…" lists
    // everyone. null: not known (or a hub without the route): the panel lists everyone.
    let openMembers = null;
    let openMembersCall = 0;
    async function refreshOpenMembers() {
        const cid = openId;
        const call = ++openMembersCall;
        let result = null;
        if (cid) {
            try {
                result = await api('GET', '/conversations/' + encodeURIComponent(cid) + '/members');
            } catch (e) {
                return; // the hub is away: the reconnection asks again
            }
        }
        if (!session || call !== openMembersCall)
            return;
        if (result && result.status === 200 && result.json && Array.isArray(result.json.members)) {
            openMembers = new Set();
            for (const member of result.json.members) {
                const id = String(member.id);
                openMembers.add(id);
                if (!members.has(id))
                    members.set(id, { id, name: String(member.name), online: Boolean(member.online) });
            }
        } else {
            openMembers = result && result.status === 403 ? new Set() : null;
        }
        renderMembers();
    }

    function renderMembersTitle() {
        const conversation = openId && openMembers ? conversations.get(openId) : null;
        $('members-title').textContent = !conversation ? t('members')
            : t(conversation.kind === 'dm' ? 'membersDm' : 'membersOf', { name: conversationTitle(conversation) });
    }

    function renderMembers() {
        const rows = membersByName(openMembers);
        const list = $('member-list');
        list.replaceChildren();
        for (const member of rows)
            list.append(memberRow(member, () => openDm(member.id), true));
        $('members-count').textContent = String(rows.filter((m) => m.online).length);
        renderMembersTitle();
    }

    // A person: a button that opens the direct message with them (none for oneself), and in the
    // member list the Call and Video call buttons.
    function memberRow(member, onPick, withCalls = false) {
        const item = document.createElement('li');
        item.className = member.online ? 'online' : 'offline';
        const dot = document.createElement('span');
        dot.className = 'dot';
        dot.title = t(member.online ? 'online' : 'offline');
        const name = document.createElement('span');
        name.className = 'name';
        name.textContent = member.name;
        if (member.mine) {
            item.append(dot, name, ' ', t('you'));
        } else {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'member-button';
            button.dataset.member = member.id;
            button.title = t('messageName', { name: member.name });
            button.append(dot, name);
            button.addEventListener('click', onPick);
            item.append(button);
            if (withCalls)
                item.append(...calls.memberActions(member));
        }
        return item;
    }

    // POST /api/v2/dms: the one conversation with that member, then it is shown.
    async function openDm(memberId) {
        let result;
        try {
            result = await api('POST', '/dms', { member: memberId });
        } catch (e) {
            result = null;
        }
        if (!result || (result.status !== 200 && result.status !== 201)) {
            showToast(result ? errorText(result) : t('noHub'));
            return false;
        }
        const conversation = normaliseConversation(result.json);
        if (!conversation)
            return false;
        if (!conversations.has(conversation.id))
            conversations.set(conversation.id, conversation);
        $('chat-view').classList.remove('members-open');
        $('members-toggle').setAttribute('aria-expanded', 'false');
        await openConversation(conversation.id, {});
        return true;
    }

    // A short message where the person looks, for failures of actions without a form.
    function showToast(text) {
        appendNotice(text);
    }

    // ---- dialogs: new channel, browse, message someone ----------------------------------------

    function openNewChannel() {
        $('new-channel-title').value = '';
        $('new-channel-topic').value = '';
        $('new-channel-error').textContent = '';
        $('new-channel-dialog').showModal();
        $('new-channel-title').focus();
    }

    async function onNewChannelSubmit(event) {
        event.preventDefault();
        const title = $('new-channel-title').value.trim();
        const topic = $('new-channel-topic').value.trim();
        if (!title) {
            $('new-channel-error').textContent = t('errorBadChannel');
            return;
        }
        const body = { title };
        if (topic)
            body.topic = topic;
        $('new-channel-create').disabled = true;
        let result;
        try {
            result = await api('POST', '/channels', body);
        } catch (e) {
            result = null;
        }
        $('new-channel-create').disabled = false;
        if (!result || result.status !== 201 || !result.json || !result.json.id) {
            $('new-channel-error').textContent = result ? errorText(result) : t('noHub');
            return;
        }
        $('new-channel-dialog').close();
        await joinedChannel(result.json);
    }

    async function joinedChannel(channel) {
        const cid = String(channel.id);
        if (!conversations.has(cid)) {
            conversations.set(cid, normaliseConversation({
                id: cid, kind: 'channel', title: channel.title, topic: channel.topic,
            }));
        }
        await openConversation(cid, {});
    }

    async function openBrowse() {
        $('browse-error').textContent = '';
        $('browse-list').replaceChildren();
        $('browse-dialog').showModal();
        let result;
        try {
            result = await api('GET', '/channels');
        } catch (e) {
            result = null;
        }
        if (!result || result.status !== 200 || !result.json || !Array.isArray(result.json.channels)) {
            $('browse-error').textContent = result ? errorText(result) : t('noHub');
            return;
        }
        const channels = result.json.channels.slice()
            .sort((a, b) => String(a.title || a.id).localeCompare(String(b.title || b.id), locale));
        for (const channel of channels) {
            const cid = String(channel.id);
            const item = document.createElement('li');
            const text = document.createElement('div');
            text.className = 'pick-text';
            const title = document.createElement('span');
            title.className = 'name';
            title.textContent = '# ' + String(channel.title || cid);
            const detail = document.createElement('span');
            detail.className = 'muted small';
            detail.textContent = (channel.topic ? String(channel.topic) + ' · ' : '')
                + tn('memberCount', Number(channel.members) || 0);
            text.append(title, detail);
            const button = document.createElement('button');
            button.type = 'button';
            button.dataset.channel = cid;
            const joined = conversations.has(cid);
            button.className = joined ? 'ghost' : '';
            button.textContent = t(joined ? 'open' : 'joinChannel');
            button.addEventListener('click', () => joinChannel(cid, button));
            const buttons = document.createElement('div');
            buttons.className = 'pick-buttons';
            if (joined) {
                const leaveButton = document.createElement('button');
                leaveButton.type = 'button';
                leaveButton.className = 'ghost leave-channel';
                leaveButton.dataset.channel = cid;
                leaveButton.textContent = t('leaveChannel');
                leaveButton.addEventListener('click', () => leaveChannel(cid, leaveButton));
                buttons.append(leaveButton);
            }
            buttons.append(button);
            item.append(text, buttons);
            $('browse-list').append(item);
        }
    }

    async function joinChannel(cid, button) {
        if (conversations.has(cid)) {
            $('browse-dialog').close();
            await openConversation(cid, {});
            return;
        }
        button.disabled = true;
        let result;
        try {
            result = await api('PUT', '/channels/' + encodeURIComponent(cid) + '/members/me');
        } catch (e) {
            result = null;
        }
        button.disabled = false;
        if (!result || result.status !== 200 || !result.json) {
            $('browse-error').textContent = result ? errorText(result) : t('noHub');
            return;
        }
        $('browse-dialog').close();
        await joinedChannel(result.json);
    }

    // DELETE …/members/me: the channel leaves the sidebar here at once (other devices hear of it
    // through conversation_removed, or when their list is next loaded).
    async function leaveChannel(cid, button) {
        button.disabled = true;
        let result;
        try {
            result = await api('DELETE', '/channels/' + encodeURIComponent(cid) + '/members/me');
        } catch (e) {
            result = null;
        }
        button.disabled = false;
        if (!result || result.status !== 204) {
            $('browse-error').textContent = result ? errorText(result) : t('noHub');
            return;
        }
        $('browse-dialog').close();
        onConversationRemoved({ conversation: cid });
    }

    async function openPeople() {
        $('people-error').textContent = '';
        $('people-filter').value = '';
        $('people-list').replaceChildren();
        $('people-dialog').showModal();
        await refreshMembers();
        if (!membersSupported) {
            $('people-error').textContent = t('membersUnavailable');
            return;
        }
        renderPeople();
        $('people-filter').focus();
    }

    function renderPeople() {
        const filter = $('people-filter').value.trim().toLocaleLowerCase();
        const list = $('people-list');
        list.replaceChildren();
        for (const member of membersByName()) {
            if (member.mine || (filter && !member.name.toLocaleLowerCase().includes(filter)))
                continue;
            list.append(memberRow(member, async () => {
                if (await openDm(member.id))
                    $('people-dialog').close();
            }));
        }
        if (!list.childElementCount) {
            const empty = document.createElement('li');
            empty.className = 'muted';
            empty.textContent = t('nobodyElse');
            list.append(empty);
        }
    }

    // ---- the event stream ---------------------------------------------------------------------

    function openStream() {
        closeStream();
        // ?lastEventId resumes exactly after the list and pages loaded; on its own reconnects the
        // browser sends the Last-Event-ID header of the newest event it received, which wins.
        let url = ApiV2 + '/events?token=' + encodeURIComponent(session.token);
        if (streamLastId > 0)
            url += '&lastEventId=' + streamLastId;
        // Ids are plain numbers: naming the hub they came from makes another hub at this address
        // answer `reset` instead of replaying its own events after them. It stays in the URL the
        // browser reconnects to, with the Last-Event-ID it sends.
        if (hubInstance)
            url += '&hubInstance=' + encodeURIComponent(hubInstance);
        const source = new EventSource(url);
        stream = source;
        calls.attachStream(source, () => stream === source);
        let opened = false;
        source.addEventListener('open', () => {
            if (stream !== source)
                return;
            hubSaidBye = false;
            setState('live');
            // After a reconnect the browser resumed by itself (Last-Event-ID); the list (joined
            // elsewhere, counts) and the open page are loaded again all the same, so that
            // nothing the replay could not carry is missing. The stream stays as it is.
            if (opened)
                refreshAfterReconnect();
            opened = true;
            refreshMembers();
            refreshOpenMembers();
        });
        source.addEventListener('error', () => {
            if (stream !== source)
                return;
            if (source.readyState === EventSource.CLOSED) {
                // The browser gave up (an HTTP error such as 401 or 503): check the session and
                // start again from the list after a pause.
                setState(hubSaidBye ? 'stopped' : 'offline');
                closeStream();
                resyncTimer = setTimeout(resync, ResyncDelayMs);
            } else {
                setState(hubSaidBye ? 'stopped' : 'reconnecting');
            }
        });
        const handlers = {
            message: onMessageEvent, presence: onPresenceEvent, typing: onTypingEvent,
            reset: onResetEvent, bye: onByeEvent, message_edited: onEditedEvent,
            message_deleted: onDeletedEvent, read: onReadEvent,
            conversation_added: onConversationAdded, conversation_removed: onConversationRemoved,
        };
        for (const [type, handler] of Object.entries(handlers)) {
            source.addEventListener(type, (event) => {
                if (stream !== source)
                    return;
                let data;
                try {
                    data = JSON.parse(event.data);
                } catch (e) {
                    return;
                }
                if (data && typeof data === 'object')
                    handler(data);
            });
        }
    }

    function closeStream() {
        if (stream) {
            stream.close();
            stream = null;
        }
    }

    // The conversation an event belongs to, or null after asking for the list again when the
    // page does not know it (a channel joined on another device, a new DM).
    function knownConversation(data) {
        const cid = data.conversation !== undefined ? String(data.conversation) : '';
        if (!cid)
            return null;
        const conversation = conversations.get(cid);
        if (!conversation) {
            scheduleResync();
            return null;
        }
        return conversation;
    }

    // For a history event: its page if loaded (null otherwise), and false when that page
    // already shows it (a replay after a reconnect).
    function takeHistoryEvent(conversation, data) {
        const id = idOf(data.id);
        const view = views.get(conversation.id);
        if (view)
            view.streamed += 1; // see loadNewestPage
        const loaded = Boolean(view && view.loaded);
        let fresh = true;
        if (Number.isFinite(id)) {
            streamLastId = Math.max(streamLastId, id);
            // Without a page, the list's newest id is what the counts already hold.
            fresh = loaded || id > conversation.lastEventId;
            conversation.lastEventId = Math.max(conversation.lastEventId, id);
        }
        if (!loaded)
            return { fresh, view: null };
        if (Number.isFinite(id)) {
            if (id <= view.lastId)
                return { fresh: false, view };
            // A page around a search hit keeps its end: what came after is not on it.
            if (!view.gap)
                view.lastId = id;
            if (view.oldestId === null)
                view.oldestId = id;
        }
        return { fresh: true, view };
    }

    function mentionsMe(text) {
        return Boolean(session) && String(text || '').includes('@' + session.member.name);
    }

    function onMessageEvent(data) {
        const conversation = knownConversation(data);
        if (!conversation)
            return;
        const { fresh, view } = takeHistoryEvent(conversation, data);
        if (!fresh)
            return;
        const from = data.from || {};
        const mine = session && String(from.id) === session.member.id;
        if (view)
            stopTyping(conversation.id, String(from.id));
        // A page around a search hit does not show new messages after its gap: they are counted
        // as unread, and "Jump to newest" shows them.
        if (view && !view.gap) {
            const item = renderMessage(data);
            const own = data.clientId !== undefined ? pending.get(String(data.clientId)) : undefined;
            if (own) {
                pending.delete(String(data.clientId));
                own.item.replaceWith(item);
            } else {
                appendItem(view, item, mine);
            }
        }
        if (!mine) {
            if (conversation.id === openId && view && !view.gap && conversationVisible()) {
                markReadIfVisible();
            } else {
                conversation.unread += 1;
                if (mentionsMe(data.text))
                    conversation.mentions += 1;
                renderSidebar();
            }
        }
    }

    function onEditedEvent(data) {
        const conversation = knownConversation(data);
        if (!conversation)
            return;
        const { fresh, view } = takeHistoryEvent(conversation, data);
        if (!fresh || !view)
            return;
        const item = view.list.querySelector('.message[data-id="' + idOf(data.messageId) + '"]');
        if (!item)
            return;
        const text = item.querySelector('.text');
        if (!item.classList.contains('has-file')) {
            text.replaceChildren();
            appendMessageText(text, String(data.text || ''));
        }
        item.classList.toggle('mentions-me', mentionsMe(data.text) && !item.classList.contains('mine'));
        item.dataset.text = String(data.text || '');
        markEdited(item);
    }

    function onDeletedEvent(data) {
        const conversation = knownConversation(data);
        if (!conversation)
            return;
        const { fresh, view } = takeHistoryEvent(conversation, data);
        if (fresh && view) {
            const item = view.list.querySelector('.message[data-id="' + idOf(data.messageId) + '"]');
            if (item)
                markDeleted(item);
            if (editing && editing.cid === conversation.id && editing.messageId === idOf(data.messageId))
                cancelEdit();
        }
        // A deleted message no longer counts as unread: the hub has the exact counts.
        if (fresh && conversation.unread > 0)
            scheduleCountsRefresh();
    }

    // Read on another device (or this page's own mark): counts up to there are gone.
    function onReadEvent(data) {
        const conversation = knownConversation(data);
        if (!conversation)
            return;
        const upTo = idOf(data.upTo);
        if (!Number.isFinite(upTo))
            return;
        conversation.readUpTo = Math.max(conversation.readUpTo || 0, upTo);
        if (upTo >= conversation.lastEventId) {
            if (conversation.unread > 0 || conversation.mentions > 0) {
                conversation.unread = 0;
                conversation.mentions = 0;
                renderSidebar();
            }
        } else if (conversation.unread > 0) {
            scheduleCountsRefresh();
        }
    }

    function onConversationAdded(data) {
        const conversation = normaliseConversation(data.conversation);
        if (!conversation)
            return;
        const known = conversations.get(conversation.id);
        if (known) {
            known.title = conversation.title;
            known.with = conversation.with || known.with;
        } else {
            conversations.set(conversation.id, conversation);
        }
        renderSidebar();
    }

    function onConversationRemoved(data) {
        const cid = data.conversation !== undefined ? String(data.conversation) : '';
        if (!conversations.has(cid))
            return;
        const wasOpen = cid === openId;
        forgetConversation(cid);
        renderSidebar();
        if (wasOpen) {
            storageSet(OpenKey, null);
            openConversation(conversations.has(DefaultChannel) ? DefaultChannel
                : (conversations.keys().next().value || null), { keepScreen: true });
        }
    }

    function onPresenceEvent(data) {
        const member = data.member || {};
        const id = String(member.id);
        const state = String(data.state);
        if (state === 'online' || state === 'offline') {
            // Hub-wide (no conversation).
            const known = members.get(id) || { id, name: String(member.name), online: false };
            known.online = state === 'online';
            members.set(id, known);
            // Someone who went away is typing nowhere.
            if (!known.online) {
                for (const cid of views.keys())
                    stopTyping(cid, id);
            }
            renderMembers();
            renderSidebar();
            return;
        }
        if (state !== 'join' && state !== 'leave')
            return;
        const conversation = knownConversation(data);
        if (!conversation)
            return;
        const { fresh, view } = takeHistoryEvent(conversation, data);
        if (!fresh)
            return;
        if (view) {
            if (state === 'leave')
                stopTyping(conversation.id, id);
            appendItem(view, renderPresence(data), false);
        }
        if (conversation.id === openId)
            refreshOpenMembers();
        // A new member (or one who left the hub) changes the hub-wide list.
        refreshMembersSoon();
    }

    function onTypingEvent(data) {
        const member = data.member || {};
        const id = String(member.id);
        if (session && id === session.member.id)
            return;
        const conversation = knownConversation(data);
        if (!conversation)
            return;
        const view = viewOf(conversation.id);
        const previous = view.typists.get(id);
        if (previous)
            clearTimeout(previous.timer);
        view.typists.set(id, {
            name: String(member.name),
            timer: setTimeout(() => stopTyping(conversation.id, id), TypingShowMs),
        });
        if (conversation.id === openId)
            renderTyping();
    }

    function stopTyping(cid, memberId) {
        const view = views.get(cid);
        const typist = view ? view.typists.get(memberId) : null;
        if (!typist)
            return;
        clearTimeout(typist.timer);
        view.typists.delete(memberId);
        if (cid === openId)
            renderTyping();
    }

    async function onResetEvent() {
        // The hub no longer has what this page missed (or never had it: another hub, an older
        // database): everything is loaded again, and ids are the hub's from now on.
        streamLastId = 0;
        await resync();
        if (session)
            appendNotice(t('reset'));
    }

    // The host closed the hub: nobody is online any more, whatever the list said. The stream
    // keeps trying; when the hub is back, `open` reloads the members.
    function onByeEvent() {
        hubSaidBye = true;
        for (const member of members.values())
            member.online = false;
        for (const [cid, view] of views) {
            for (const id of [...view.typists.keys()])
                stopTyping(cid, id);
        }
        renderMembers();
        renderSidebar();
        setState('stopped');
        appendNotice(t('bye'));
    }

    // ---- rendering (textContent only) ---------------------------------------------------------

    // The browser's locale decides 24- or 12-hour time (the interface language alone cannot:
    // English is both). A 24-hour clock shows two-digit hours ("09:05", "00:04"), as en-GB and
    // zh-CN write them; asked for a "numeric" hour Chromium writes "0:04" after midnight.
    const hourStyle = ['h23', 'h24'].includes(
        new Intl.DateTimeFormat(formatLocales, { hour: 'numeric' }).resolvedOptions().hourCycle)
        ? '2-digit' : 'numeric';
    const timeFormat = new Intl.DateTimeFormat(formatLocales, { hour: hourStyle, minute: '2-digit' });
    // A search hit may be from any day.
    const hitTimeFormat = new Intl.DateTimeFormat(formatLocales,
        { year: 'numeric', month: 'short', day: 'numeric', hour: hourStyle, minute: '2-digit' });

    function timeElement(ts) {
        const element = document.createElement('time');
        const date = new Date(Number(ts) || Date.now());
        element.dateTime = date.toISOString();
        element.textContent = timeFormat.format(date);
        return element;
    }

    function renderMessage(data) {
        const from = data.from || {};
        const item = document.createElement('li');
        item.className = 'message';
        const mine = Boolean(session && String(from.id) === session.member.id);
        if (mine)
            item.classList.add('mine');
        if (data.id !== undefined)
            item.dataset.id = String(idOf(data.id));
        item.dataset.text = String(data.text || '');
        const meta = document.createElement('div');
        meta.className = 'meta';
        // Someone else's name opens the direct message with them.
        const author = document.createElement(mine || !from.id ? 'span' : 'button');
        author.className = 'author';
        author.textContent = String(from.name || '?');
        if (!mine && from.id) {
            author.type = 'button';
            author.title = t('messageName', { name: String(from.name || '?') });
            author.addEventListener('click', () => openDm(String(from.id)));
        }
        meta.append(author, ' ', timeElement(data.ts));
        const text = document.createElement('div');
        text.className = 'text';
        // A file's message text is its name, which the attachment shows: the text stays empty
        // (and takes the "deleted" label if it comes to that).
        const file = attachmentOf(data);
        if (file) {
            item.classList.add('has-file');
            text.hidden = true;
            item.append(meta, renderAttachment(file), text);
        } else {
            // A call's summary in this page's language (the hub's text is English).
            const shownText = data.call && typeof data.call === 'object'
                ? calls.summaryText(data.call) : String(data.text || '');
            appendMessageText(text, shownText);
            if (data.call)
                item.classList.add('call-summary');
            item.append(meta, text);
        }
        if (!mine && mentionsMe(data.text))
            item.classList.add('mentions-me');
        if (mine && data.id !== undefined)
            addMessageMenu(item);
        if (data.deleted)
            markDeleted(item);
        else if (data.edited)
            markEdited(item);
        return item;
    }

    function markEdited(item) {
        const meta = item.querySelector('.meta');
        if (!meta.querySelector('.edited')) {
            const label = document.createElement('span');
            label.className = 'edited';
            label.textContent = t('edited');
            meta.append(' ', label);
        }
    }

    function markDeleted(item) {
        item.classList.add('deleted');
        item.classList.remove('mentions-me');
        const text = item.querySelector('.text');
        text.textContent = t('deleted');
        text.hidden = false;
        delete item.dataset.text;
        const file = item.querySelector('.file');
        if (file)
            file.remove();
        const edited = item.querySelector('.edited');
        if (edited)
            edited.remove();
        const menu = item.querySelector('.message-menu');
        if (menu)
            menu.remove();
    }

    // Edit and delete, on the author's own stored messages.
    function addMessageMenu(item) {
        const menu = document.createElement('div');
        menu.className = 'message-menu';
        const toggle = document.createElement('button');
        toggle.type = 'button';
        toggle.className = 'ghost menu-toggle';
        toggle.textContent = '⋯';
        toggle.setAttribute('aria-label', t('messageActions'));
        toggle.setAttribute('aria-expanded', 'false');
        const actions = document.createElement('div');
        actions.className = 'menu-actions';
        actions.hidden = true;
        const edit = document.createElement('button');
        edit.type = 'button';
        edit.className = 'ghost menu-edit';
        edit.textContent = t('edit');
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'ghost menu-delete';
        remove.textContent = t('delete');
        // A file's message is not edited: its text is the file's name.
        if (item.classList.contains('has-file'))
            actions.append(remove);
        else
            actions.append(edit, remove);
        menu.append(toggle, actions);
        toggle.addEventListener('click', () => {
            actions.hidden = !actions.hidden;
            toggle.setAttribute('aria-expanded', String(!actions.hidden));
            remove.textContent = t('delete');
            delete remove.dataset.armed;
        });
        edit.addEventListener('click', () => {
            actions.hidden = true;
            startEdit(item);
        });
        // Two taps: the first arms the button ("Delete for everyone?"), the second deletes.
        remove.addEventListener('click', () => {
            if (!remove.dataset.armed) {
                remove.dataset.armed = '1';
                remove.textContent = t('confirmDelete');
                return;
            }
            actions.hidden = true;
            deleteMessage(item);
        });
        item.append(menu);
    }

    // @Name of the reader is highlighted; http(s) addresses become links; the rest stays text.
    function appendMessageText(parent, text) {
        const needle = session ? '@' + session.member.name : '';
        if (!needle) {
            appendWithLinks(parent, text);
            return;
        }
        const parts = text.split(needle);
        parts.forEach((part, index) => {
            if (index > 0) {
                const mark = document.createElement('mark');
                mark.className = 'mention';
                mark.textContent = needle;
                parent.append(mark);
            }
            appendWithLinks(parent, part);
        });
    }

    // http(s) addresses in a message become links; everything else stays text. Built from text
    // nodes and <a> elements whose href went through the URL parser and is http(s) only, so no
    // remote text is ever parsed as HTML and no other scheme (javascript:, data:) is linked.
    const LinkPattern = /\bhttps?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gi;
    const TrailingPunctuation = /[.,;:!?'"]$/;

    function linkEnd(candidate) {
        let end = candidate.length;
        for (;;) {
            const last = candidate[end - 1];
            if (TrailingPunctuation.test(last)) {
                end -= 1;
                continue;
            }
            // "(see http://x.org/a)": the parenthesis closes the sentence's, unless the address
            // opened one itself (http://x.org/a_(b)).
            if (last === ')') {
                const part = candidate.slice(0, end);
                if (part.split(')').length > part.split('(').length) {
                    end -= 1;
                    continue;
                }
            }
            return end;
        }
    }

    function safeHref(candidate) {
        try {
            const url = new URL(candidate);
            return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
        } catch (e) {
            return null;
        }
    }

    function appendWithLinks(parent, text) {
        let shown = 0;
        for (const match of text.matchAll(LinkPattern)) {
            const address = match[0].slice(0, linkEnd(match[0]));
            const href = safeHref(address);
            if (!href)
                continue;
            parent.append(text.slice(shown, match.index));
            const link = document.createElement('a');
            link.href = href;
            link.textContent = address;
            link.target = '_blank';
            link.rel = 'noopener noreferrer';
            parent.append(link);
            shown = match.index + address.length;
        }
        parent.append(text.slice(shown));
    }

    function renderPresence(data) {
        const member = data.member || {};
        const item = document.createElement('li');
        item.className = 'system';
        if (data.id !== undefined)
            item.dataset.id = String(idOf(data.id));
        const key = data.state === 'leave' ? 'left' : 'joined';
        item.append(t(key, { name: String(member.name || '?') }), ' · ', timeElement(data.ts));
        return item;
    }

    // A notice in the open conversation (or the first one shown next).
    function appendNotice(text) {
        const item = document.createElement('li');
        item.className = 'system notice';
        item.textContent = text;
        const view = openId !== null ? views.get(openId) : null;
        if (view)
            appendItem(view, item, false);
        else
            $('messages').append(item);
    }

    function appendItem(view, item, forceScroll) {
        const shown = view.list.id === 'messages';
        const timeline = $('timeline');
        const nearBottom = shown
            && timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < NearBottomPx;
        const list = view.list;
        list.append(item);
        while (list.childElementCount > MaxRenderedItems) {
            list.firstElementChild.remove();
            view.hasMore = true;
            const first = list.querySelector('[data-id]');
            view.oldestId = first ? Number(first.dataset.id) : view.oldestId;
            if (shown)
                $('older-button').hidden = false;
        }
        if (shown && (nearBottom || forceScroll))
            scrollToBottom();
    }

    function scrollToBottom() {
        const timeline = $('timeline');
        timeline.scrollTop = timeline.scrollHeight;
    }

    function renderTyping() {
        const view = openId !== null ? views.get(openId) : null;
        const names = view ? [...view.typists.values()].map((typist) => typist.name) : [];
        let text = '';
        if (names.length === 1)
            text = t('typingOne', { name: names[0] });
        else if (names.length === 2)
            text = t('typingTwo', { a: names[0], b: names[1] });
        else if (names.length > 2)
            text = t('typingMany');
        $('typing').textContent = text;
    }

    // ---- sending, editing, deleting -----------------------------------------------------------

    // True when the text fits the hub's limit; otherwise the refusal stays under the composer,
    // where the user is looking, until the text changes, and Send is off. Nothing is cut.
    function checkComposerLength() {
        const input = $('message-input');
        const length = input.value.trim().length;
        const tooLong = maxTextChars > 0 && length > maxTextChars;
        $('composer-error').textContent = tooLong ? t('tooLong', { count: length, max: maxTextChars }) : '';
        $('composer-error').hidden = !tooLong;
        input.setAttribute('aria-invalid', String(tooLong));
        $('send-button').disabled = tooLong;
        return !tooLong;
    }

    function onComposerSubmit(event) {
        event.preventDefault();
        const input = $('message-input');
        const text = input.value.trim();
        const cid = openId;
        if (!session || cid === null)
            return;
        if (editing) {
            if (text && checkComposerLength())
                submitEdit(text);
            return;
        }
        if (!text)
            return;
        if (!checkComposerLength()) {
            input.focus();
            return;
        }
        input.value = '';
        viewOf(cid).draft = '';
        checkComposerLength();
        fitComposer();
        const clientId = 'w-' + randomId();
        const item = renderMessage({ from: session.member, text, ts: Date.now(), clientId });
        item.classList.add('pending');
        item.addEventListener('click', () => {
            if (item.classList.contains('failed'))
                deliver(cid, clientId, text, item);
        });
        pending.set(clientId, { cid, item });
        // From a page around a search hit, the message goes below the newest ones: that page
        // is loaded (showing the pending message at its end).
        if (viewOf(cid).gap)
            jumpToNewest();
        else
            appendItem(viewOf(cid), item, true);
        deliver(cid, clientId, text, item);
    }

    // Posts until the hub stored the message. Retrying with the same clientId is safe: the hub
    // answers a repeat with the first answer and stores nothing new.
    async function deliver(cid, clientId, text, item) {
        item.classList.add('sending');
        item.classList.remove('failed');
        setStatusLine(item, t('sending'));
        for (let attempt = 0; session; ++attempt) {
            let result = null;
            try {
                result = await api('POST', conversationPath(cid, '/messages'), { text, clientId });
            } catch (e) {
                result = null;
            }
            if (result && result.status === 201) {
                item.classList.remove('sending');
                setStatusLine(item, '');
                // The stored id, so that the message can be edited before its event arrives.
                if (result.json && result.json.id !== undefined && !item.dataset.id) {
                    item.dataset.id = String(idOf(result.json.id));
                    if (!item.querySelector('.message-menu'))
                        addMessageMenu(item);
                }
                return;
            }
            if (result && result.status === 401) {
                sessionEnded();
                return;
            }
            const retryable = !result || result.status === 429 || result.status >= 500;
            if (!retryable || attempt >= SendRetryDelaysMs.length) {
                item.classList.remove('sending');
                item.classList.add('failed');
                setStatusLine(item, (result && !retryable ? errorText(result) + ' ' : '') + t('failed'));
                return;
            }
            let wait = SendRetryDelaysMs[attempt];
            if (result && result.status === 429)
                wait = Math.max(wait, (Number(result.headers.get('Retry-After')) * 1000) || DefaultRateLimitWaitMs);
            await sleep(wait);
        }
    }

    function setStatusLine(item, text) {
        let line = item.querySelector('.status');
        if (!line) {
            line = document.createElement('div');
            line.className = 'status';
            item.append(line);
        }
        line.textContent = text;
        line.hidden = !text;
    }

    // The composer takes the message's text; Enter saves, Escape (or Cancel) gives the draft back.
    function startEdit(item) {
        if (openId === null || !item.dataset.id || item.classList.contains('deleted'))
            return;
        const view = viewOf(openId);
        if (!editing)
            view.draft = $('message-input').value;
        editing = { cid: openId, messageId: Number(item.dataset.id) };
        for (const other of view.list.querySelectorAll('.message.editing'))
            other.classList.remove('editing');
        item.classList.add('editing');
        $('edit-bar').hidden = false;
        const input = $('message-input');
        input.value = item.dataset.text || '';
        fitComposer();
        checkComposerLength();
        input.focus();
        input.setSelectionRange(input.value.length, input.value.length);
    }

    function cancelEdit() {
        if (!editing)
            return;
        const view = views.get(editing.cid);
        editing = null;
        $('edit-bar').hidden = true;
        if (view) {
            for (const item of view.list.querySelectorAll('.message.editing'))
                item.classList.remove('editing');
            $('message-input').value = view.draft;
        } else {
            $('message-input').value = '';
        }
        fitComposer();
        checkComposerLength();
    }

    async function submitEdit(text) {
        const { cid, messageId } = editing;
        let result;
        try {
            result = await api('PATCH', conversationPath(cid, '/messages/' + messageId), { text });
        } catch (e) {
            result = null;
        }
        if (!result || result.status !== 200) {
            showComposerError(result ? errorText(result) : t('noHub'));
            return;
        }
        // The new text shows when the message_edited event arrives (on every device alike).
        if (editing && editing.messageId === messageId)
            cancelEdit();
    }

    async function deleteMessage(item) {
        const cid = openId;
        const messageId = Number(item.dataset.id);
        if (cid === null || !Number.isFinite(messageId))
            return;
        let result;
        try {
            result = await api('DELETE', conversationPath(cid, '/messages/' + messageId));
        } catch (e) {
            result = null;
        }
        if (!result || result.status !== 200)
            showComposerError(result ? errorText(result) : t('noHub'));
    }

    function showComposerError(text) {
        $('composer-error').textContent = text;
        $('composer-error').hidden = false;
    }

    // The newest of one's own messages in the open conversation that can still be edited.
    function lastOwnMessage() {
        const view = openId !== null ? views.get(openId) : null;
        if (!view)
            return null;
        const own = view.list.querySelectorAll('.message.mine[data-id]:not(.deleted):not(.has-file)');
        return own.length ? own[own.length - 1] : null;
    }

    function onComposerInput() {
        fitComposer();
        checkComposerLength();
        const now = Date.now();
        if (!session || editing || openId === null || !typingSupported || !$('message-input').value.trim()
            || now - lastTypingSentAt < TypingSendIntervalMs)
            return;
        lastTypingSentAt = now;
        api('POST', conversationPath(openId, '/typing')).then((result) => {
            // A hub without v2 typing answers not_found for the route: stop asking.
            if (result.status === 404 && errorCode(result) === 'not_found')
                typingSupported = false;
        }).catch(() => {});
    }

    function onComposerKey(event) {
        // Enter sends, Shift+Enter starts a new line; an IME composing Chinese keeps its Enter.
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            $('composer').requestSubmit();
        } else if (event.key === 'ArrowUp' && !editing && !event.isComposing
            && $('message-input').value === '') {
            const item = lastOwnMessage();
            if (item) {
                event.preventDefault();
                startEdit(item);
            }
        } else if (event.key === 'Escape' && editing) {
            event.preventDefault();
            cancelEdit();
        }
    }

    function fitComposer() {
        const input = $('message-input');
        input.style.height = 'auto';
        input.style.height = Math.min(input.scrollHeight, 160) + 'px';
    }

    // ---- files: uploads (tus), the files cookie, attachments in the timeline ------------------

    // Uploads speak tus 1.0.0 through tus-js-client (vendor/tus.min.js, from npm): resumable, and
    // after a reload the same file chosen again continues where it stopped (its upload URL is
    // kept in localStorage under a fingerprint of member, conversation and file).
    // Downloads and <img> authenticate with the hub's files cookie (POST /session/cookie), so no
    // token is ever put into a URL.
    const UploadsEndpoint = ApiV2 + '/uploads';
    const FilesPath = ApiV2 + '/files/';
    const MaxParallelUploads = 3;      // the event stream holds one of a browser's 6 connections
    // Then the row says it failed and offers Retry: about two minutes, time for a host to
    // restart its hub.
    const UploadRetryDelaysMs = [0, 1000, 3000, 5000, 10000, 20000, 30000, 45000];
    const SpeedWindowMs = 3000;        // the speed shown is over the last few seconds
    const ThumbnailMaxPx = 320;        // the hub's thumbnails: long side at most this
    const LeaveUploadWaitMs = 2000;    // Leave waits this long for unfinished uploads to be dropped
    // Upload URLs kept for resuming are forgotten after this long (the hub drops an unfinished
    // upload 24 h after its last byte; tus-js-client itself never forgets them).
    const StoredUploadMaxAgeMs = 7 * 24 * 3600 * 1000;
    const FileIdPattern = /^f_[0-9a-f]{16}$/;
    const GenericPasteNames = ['image.png', 'image.jpg', 'image.jpeg', 'image.gif', 'image.webp', ''];
    const uploads = [];              // {key, cid, file, upload, state, row, ...}, oldest first
    let maxFileBytes = 0;            // the hub's Tus-Max-Size; 0 while unknown
    let uploadLimitAsked = null;     // the OPTIONS request, asked once
    let cookieRefresh = null;        // the running POST /session/cookie, shared by a burst
    let dragDepth = 0;
    const percentFormat = new Intl.NumberFormat(formatLocales, { style: 'percent', maximumFractionDigits: 0 });

    function fileUrl(id, suffix = '') {
        return FilesPath + encodeURIComponent(id) + suffix;
    }

    // The files cookie for <img> and download links: after sign-in, a restored session, a
    // reconnect, and once more when a file request fails. False when the hub did not set it.
    function refreshFilesCookie() {
        if (!session)
            return Promise.resolve(false);
        if (!cookieRefresh) {
            cookieRefresh = api('POST', '/session/cookie')
                .then((result) => result.status === 204 || result.status === 200, () => false)
                .finally(() => {
                    cookieRefresh = null;
                });
        }
        return cookieRefresh;
    }

    // The "file" of a message event, checked: null when absent or not usable.
    function attachmentOf(data) {
        const raw = data.file;
        if (!raw || typeof raw !== 'object' || !FileIdPattern.test(String(raw.id)))
            return null;
        const width = Number(raw.width);
        const height = Number(raw.height);
        return {
            id: String(raw.id),
            name: String(raw.name || data.text || raw.id),
            size: Math.max(0, Number(raw.size) || 0),
            type: String(raw.type || ''),
            width: Number.isInteger(width) && width > 0 ? width : 0,
            height: Number.isInteger(height) && height > 0 ? height : 0,
            thumbnail: raw.thumbnail === true,
        };
    }

    // The thumbnail's size from the image's (the hub scales the long side to at most 320 px),
    // so that the timeline does not jump when it loads.
    function thumbnailSize(file) {
        if (!file.width || !file.height)
            return null;
        const scale = Math.min(1, ThumbnailMaxPx / Math.max(file.width, file.height));
        return { width: Math.max(1, Math.round(file.width * scale)), height: Math.max(1, Math.round(file.height * scale)) };
    }

    // Loads a file image; a failure (the cookie expired, the hub restarted) asks for the cookie
    // once and tries again, then says the image is not available.
    function loadFileImage(img, url, onGone) {
        img.addEventListener('error', async () => {
            if (img.dataset.retried) {
                onGone();
                return;
            }
            img.dataset.retried = '1';
            await refreshFilesCookie();
            img.src = url;
        });
        img.src = url;
    }

    // HEAD of a file with the cookie: its status, 0 when the hub cannot be reached.
    async function fileStatus(url) {
        try {
            return (await fetch(url, { method: 'HEAD', cache: 'no-store' })).status;
        } catch (e) {
            return 0;
        }
    }

    // A download link checks first, so that a stale cookie is refreshed and a file gone says so
    // here rather than as a failed download in the browser's list.
    function downloadLink(file, url) {
        const link = document.createElement('a');
        link.className = 'file-download';
        link.href = url;
        link.setAttribute('download', '');
        link.textContent = t('download');
        link.addEventListener('click', async (event) => {
            if (link.dataset.checked) {
                delete link.dataset.checked; // the click below: let the browser download
                return;
            }
            event.preventDefault();
            let status = await fileStatus(url);
            if (status === 401 && (await refreshFilesCookie()))
                status = await fileStatus(url);
            if (status >= 200 && status < 300) {
                link.dataset.checked = '1';
                link.click();
            } else {
                showToast(status === 0 ? t('noHub') : t('fileGone'));
            }
        });
        return link;
    }

    function renderAttachment(file) {
        const box = document.createElement('div');
        box.className = 'file';
        box.dataset.fileId = file.id;
        const url = fileUrl(file.id);
        const info = document.createElement('div');
        info.className = 'file-info';
        const name = document.createElement('span');
        name.className = 'file-name';
        name.textContent = file.name;
        const size = document.createElement('span');
        size.className = 'file-size';
        size.textContent = formatSize(file.size);
        info.append(name, size, downloadLink(file, url));
        if (file.thumbnail) {
            box.classList.add('file-image');
            // A plain click shows the image over the page; Ctrl/middle click opens a tab.
            const open = document.createElement('a');
            open.className = 'thumb-link';
            open.href = url;
            open.target = '_blank';
            open.rel = 'noopener noreferrer';
            open.title = t('showFull', { name: file.name });
            open.addEventListener('click', (event) => {
                if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)
                    return;
                event.preventDefault();
                showImage(file);
            });
            const img = document.createElement('img');
            img.className = 'thumbnail';
            img.alt = file.name;
            img.decoding = 'async';
            img.loading = 'lazy';
            const shown = thumbnailSize(file);
            if (shown) {
                img.width = shown.width;
                img.height = shown.height;
            }
            loadFileImage(img, fileUrl(file.id, '/thumbnail'), () => {
                const note = document.createElement('span');
                note.className = 'file-missing';
                note.textContent = t('imageUnavailable');
                open.replaceWith(note);
            });
            open.append(img);
            box.append(open, info);
        } else {
            box.classList.add('file-card');
            // The name's extension as the card's icon (text, at most 4 characters).
            const ext = document.createElement('span');
            ext.className = 'file-ext';
            const dot = file.name.lastIndexOf('.');
            const suffix = dot > 0 ? file.name.slice(dot + 1) : '';
            ext.textContent = suffix && suffix.length <= 4 ? suffix.toUpperCase() : '···';
            box.append(ext, info);
        }
        return box;
    }

    function showImage(file) {
        const url = fileUrl(file.id);
        const img = $('image-full');
        const fresh = img.cloneNode(false); // drops the listeners of an image shown before
        fresh.alt = file.name;
        img.replaceWith(fresh);
        $('image-error').hidden = true;
        $('image-name').textContent = file.name;
        $('image-open').href = url;
        $('image-save').href = url + '?download=1';
        loadFileImage(fresh, url, () => {
            fresh.hidden = true;
            $('image-error').textContent = t('fileGone');
            $('image-error').hidden = false;
        });
        fresh.hidden = false;
        $('image-dialog').showModal();
    }

    // ---- uploads --------------------------------------------------------------------------------

    function uploadFingerprint(cid, file) {
        return ['confab', session ? session.member.id : '', cid, file.name, file.type, file.size,
            file.lastModified].join('/');
    }

    // Through tus-js-client's URL storage interface (localStorage), only this page's entries.
    async function forgetOldStoredUploads() {
        const storage = window.tus && window.tus.defaultOptions && window.tus.defaultOptions.urlStorage;
        if (!storage || typeof storage.findAllUploads !== 'function')
            return;
        try {
            for (const stored of await storage.findAllUploads()) {
                const created = Date.parse(stored.creationTime);
                if (String(stored.urlStorageKey).startsWith('tus::confab/')
                    && !(Date.now() - created < StoredUploadMaxAgeMs))
                    await storage.removeUpload(stored.urlStorageKey);
            }
        } catch (e) {
            // Storage off (private mode): nothing is kept, nothing to forget.
        }
    }

    // Tus-Max-Size from OPTIONS, asked once: a file over it is refused before it is sent.
    function loadUploadLimit() {
        if (!uploadLimitAsked) {
            uploadLimitAsked = fetch(UploadsEndpoint, { method: 'OPTIONS', cache: 'no-store' })
                .then((response) => {
                    const max = Number(response.headers.get('Tus-Max-Size'));
                    if (Number.isFinite(max) && max > 0)
                        maxFileBytes = max;
                    else
                        uploadLimitAsked = null; // ask again next time
                }, () => {
                    uploadLimitAsked = null;
                });
        }
        return uploadLimitAsked;
    }

    function startUploads(cid, files) {
        if (!session || cid === null || !conversations.has(cid) || !window.tus)
            return;
        for (const file of files) {
            const entry = { key: randomId(), cid, file, upload: null, state: 'waiting', samples: [] };
            entry.row = renderUploadRow(entry);
            uploads.push(entry);
            $('uploads').append(entry.row);
            setUploadStatus(entry, t('uploadWaiting'));
        }
        renderUploads();
        pumpUploads();
    }

    function pumpUploads() {
        let running = uploads.filter((entry) => entry.state === 'running').length;
        for (const entry of uploads) {
            if (running >= MaxParallelUploads)
                break;
            if (entry.state === 'waiting') {
                running += 1;
                beginUpload(entry);
            }
        }
    }

    async function beginUpload(entry) {
        entry.state = 'running';
        entry.row.dataset.state = 'running';
        entry.samples = [];
        renderUploadButtons(entry);
        const resuming = entry.resuming;
        entry.resuming = false;
        if (resuming && entry.upload && entry.upload.url) {
            // Resumed after a pause: the same tus upload asks the hub for its offset (HEAD) and
            // sends the rest from there.
            setUploadStatus(entry, t('uploadResuming'));
            entry.upload.start();
            return;
        }
        setUploadStatus(entry, t('uploadStarting'));
        await loadUploadLimit();
        if (entry.state !== 'running')
            return; // cancelled meanwhile
        if (maxFileBytes > 0 && entry.file.size > maxFileBytes) {
            failUpload(entry, t('uploadTooLarge', { size: formatSize(entry.file.size), max: formatSize(maxFileBytes) }), false);
            return;
        }
        const metadata = { filename: entry.file.name, conversation: entry.cid };
        if (entry.file.type)
            metadata.filetype = entry.file.type;
        const upload = new window.tus.Upload(entry.file, {
            endpoint: new URL(UploadsEndpoint, location.href).href,
            metadata,
            retryDelays: UploadRetryDelaysMs,
            storeFingerprintForResuming: true,
            removeFingerprintOnSuccess: true,
            fingerprint: (file) => Promise.resolve(uploadFingerprint(entry.cid, file)),
            // The token of now, not of when the upload began (a sign-in again changes it).
            onBeforeRequest: (request) => {
                if (session)
                    request.setHeader('Authorization', 'Bearer ' + session.token);
            },
            onShouldRetry: (error) => {
                const status = error.originalResponse ? error.originalResponse.getStatus() : 0;
                const retry = status === 0 || status >= 500 || status === 409 || status === 423;
                if (retry && entry.state === 'running')
                    setUploadStatus(entry, t('uploadRetrying'));
                return retry && entry.state === 'running';
            },
            onProgress: (sent, total) => onUploadProgress(entry, sent, total),
            onError: (error) => onUploadError(entry, error),
            onSuccess: () => onUploadDone(entry),
        });
        entry.upload = upload;
        let previous = [];
        try {
            previous = await upload.findPreviousUploads();
        } catch (e) {
            previous = [];
        }
        if (entry.state !== 'running')
            return;
        if (previous.length) {
            previous.sort((a, b) => (Date.parse(b.creationTime) || 0) - (Date.parse(a.creationTime) || 0));
            upload.resumeFromPreviousUpload(previous[0]);
            setUploadStatus(entry, t('uploadResuming'));
        }
        upload.start();
    }

    function onUploadProgress(entry, sent, total) {
        if (entry.state !== 'running')
            return;
        const now = performance.now();
        entry.samples.push({ at: now, sent });
        while (entry.samples.length > 2 && now - entry.samples[0].at > SpeedWindowMs)
            entry.samples.shift();
        const first = entry.samples[0];
        const speed = now > first.at ? (sent - first.sent) * 1000 / (now - first.at) : 0;
        entry.bar.max = Math.max(total, 1);
        entry.bar.value = sent;
        entry.sent = sent;
        entry.total = total;
        // The hub checks and stores the file before it answers the last bytes.
        if (total > 0 && sent >= total) {
            setUploadStatus(entry, t('uploadFinishing'));
            return;
        }
        setUploadStatus(entry, t('uploadProgress', {
            percent: percentFormat.format(total > 0 ? Math.floor((sent / total) * 100) / 100 : 0),
            speed: formatSize(speed) + '/s',
        }));
    }

    function onUploadDone(entry) {
        if (entry.state !== 'running')
            return;
        entry.state = 'done';
        removeUpload(entry);
        pumpUploads();
    }

    function uploadErrorReason(entry, status, code, error) {
        if (status === 413 || code === 'file_too_large') {
            return maxFileBytes > 0
                ? t('uploadTooLarge', { size: formatSize(entry.file.size), max: formatSize(maxFileBytes) })
                : t('uploadTooLargeNoMax', { size: formatSize(entry.file.size) });
        }
        if (status === 507 || code === 'storage_full')
            return t('uploadStorageFull');
        if (status === 429 || code === 'too_many_uploads')
            return t('uploadTooMany');
        if (code === 'not_a_member' || code === 'unknown_conversation')
            return t('uploadNotMember');
        if (code === 'not_found' || status === 412)
            return t('uploadUnsupported');
        if (status === 0)
            return error && error.originalRequest ? t('uploadNoHub') : t('uploadReadError');
        return t('uploadBadFile', { code: code || status });
    }

    function onUploadError(entry, error) {
        if (entry.state !== 'running')
            return;
        const response = error && error.originalResponse;
        const status = response ? response.getStatus() : 0;
        let code = '';
        try {
            const body = JSON.parse(response.getBody());
            code = body && body.error ? String(body.error.code) : '';
        } catch (e) {
            code = '';
        }
        if (status === 401) {
            sessionEnded();
            return;
        }
        // Trying again cannot help these (the file, the membership or the hub would have to change).
        const final = status === 413 || status === 400 || status === 412 || code === 'not_found'
            || code === 'not_a_member' || code === 'unknown_conversation';
        failUpload(entry, uploadErrorReason(entry, status, code, error), !final);
    }

    function failUpload(entry, reason, retryable) {
        entry.state = 'failed';
        entry.row.dataset.state = 'failed';
        setUploadStatus(entry, t('uploadFailed', { reason }));
        entry.retry.hidden = !retryable;
        renderUploadButtons(entry);
        pumpUploads();
    }

    // Pause: the PATCH in flight is cut (tus-js-client's abort() without terminating: the hub
    // keeps what it has), and the slot goes to the next upload waiting. Resume waits for a slot
    // like any upload, then start()s the same upload, which asks the hub where it stopped.
    function pauseUpload(entry) {
        if (entry.state !== 'running' && entry.state !== 'waiting')
            return;
        const wasRunning = entry.state === 'running';
        entry.state = 'paused';
        entry.row.dataset.state = 'paused';
        renderUploadButtons(entry);
        const total = entry.total || entry.file.size;
        setUploadStatus(entry, t('uploadPaused', {
            percent: percentFormat.format(total > 0 ? Math.floor(((entry.sent || 0) / total) * 100) / 100 : 0),
        }));
        if (wasRunning && entry.upload)
            Promise.resolve(entry.upload.abort(false)).catch(() => {});
        pumpUploads();
    }

    function resumeUpload(entry) {
        if (entry.state !== 'paused')
            return;
        entry.state = 'waiting';
        entry.row.dataset.state = 'waiting';
        entry.resuming = true;
        renderUploadButtons(entry);
        setUploadStatus(entry, t('uploadWaiting'));
        pumpUploads();
    }

    function renderUploadButtons(entry) {
        const paused = entry.state === 'paused';
        entry.pause.hidden = !(paused || entry.state === 'running' || entry.state === 'waiting');
        entry.pause.textContent = paused ? t('uploadResume') : t('uploadPause');
        entry.pause.setAttribute('aria-label',
            t(paused ? 'uploadResumeLabel' : 'uploadPauseLabel', { name: entry.file.name }));
        entry.pause.title = entry.pause.getAttribute('aria-label');
    }

    // Cancel while sending or waiting, dismiss after a failure: the hub drops what it has of it
    // (tus termination), and the fingerprint for resuming is gone with it.
    function cancelUpload(entry) {
        const upload = entry.upload;
        entry.state = 'cancelled';
        removeUpload(entry);
        pumpUploads();
        return upload ? Promise.resolve(upload.abort(true)).catch(() => {}) : Promise.resolve();
    }

    function retryUpload(entry) {
        entry.retry.hidden = true;
        entry.state = 'waiting';
        entry.row.dataset.state = 'waiting';
        renderUploadButtons(entry);
        entry.bar.removeAttribute('value');
        setUploadStatus(entry, t('uploadWaiting'));
        pumpUploads();
    }

    function removeUpload(entry) {
        const index = uploads.indexOf(entry);
        if (index >= 0)
            uploads.splice(index, 1);
        entry.row.remove();
        renderUploads();
    }

    function renderUploadRow(entry) {
        const row = document.createElement('li');
        row.className = 'upload';
        row.dataset.state = 'waiting';
        row.dataset.key = entry.key;
        const line = document.createElement('div');
        line.className = 'upload-line';
        const name = document.createElement('span');
        name.className = 'upload-name';
        name.textContent = entry.file.name;
        name.title = entry.file.name;
        const where = document.createElement('span');
        where.className = 'upload-where';
        const status = document.createElement('span');
        status.className = 'upload-status';
        line.append(name, where, status);
        const bar = document.createElement('progress');
        bar.className = 'upload-bar';
        bar.setAttribute('aria-label', entry.file.name);
        const buttons = document.createElement('div');
        buttons.className = 'upload-buttons';
        const retry = document.createElement('button');
        retry.type = 'button';
        retry.className = 'ghost upload-retry';
        retry.textContent = t('uploadRetry');
        retry.hidden = true;
        retry.addEventListener('click', () => retryUpload(entry));
        const pause = document.createElement('button');
        pause.type = 'button';
        pause.className = 'ghost upload-pause';
        pause.addEventListener('click', () => {
            if (entry.state === 'paused')
                resumeUpload(entry);
            else
                pauseUpload(entry);
        });
        const cancel = document.createElement('button');
        cancel.type = 'button';
        cancel.className = 'ghost upload-cancel';
        cancel.textContent = '×';
        cancel.setAttribute('aria-label', t('uploadCancel', { name: entry.file.name }));
        cancel.title = cancel.getAttribute('aria-label');
        cancel.addEventListener('click', () => cancelUpload(entry));
        buttons.append(retry, pause, cancel);
        row.append(line, bar, buttons);
        entry.bar = bar;
        entry.status = status;
        entry.where = where;
        entry.retry = retry;
        entry.pause = pause;
        renderUploadButtons(entry);
        return row;
    }

    function setUploadStatus(entry, text) {
        entry.status.textContent = text;
    }

    // The tray shows every upload of the page; one to another conversation says where it goes.
    function renderUploads() {
        $('uploads').hidden = uploads.length === 0;
        for (const entry of uploads) {
            const conversation = conversations.get(entry.cid);
            entry.where.textContent = entry.cid !== openId && conversation
                ? t('uploadOther', { name: (conversation.kind === 'dm' ? '' : '#') + conversationTitle(conversation) })
                : '';
        }
    }

    // Leave: the hub drops unfinished uploads (waiting at most a moment); a session that ended
    // elsewhere only stops them here.
    async function stopUploads(terminate) {
        const stopped = [];
        for (const entry of uploads.slice()) {
            if (terminate) {
                stopped.push(cancelUpload(entry));
                continue;
            }
            entry.state = 'cancelled';
            if (entry.upload)
                Promise.resolve(entry.upload.abort(false)).catch(() => {});
            removeUpload(entry);
        }
        if (stopped.length)
            await Promise.race([Promise.allSettled(stopped), sleep(LeaveUploadWaitMs)]);
    }

    // A pasted screenshot is called "image.png" by the browser: give it a name with the time.
    function pastedFile(file) {
        if (!GenericPasteNames.includes(file.name))
            return file;
        const stamp = new Date();
        const pad = (n) => String(n).padStart(2, '0');
        const ext = (file.type.split('/')[1] || 'png').replace('jpeg', 'jpg');
        const name = 'pasted-' + stamp.getFullYear() + pad(stamp.getMonth() + 1) + pad(stamp.getDate())
            + '-' + pad(stamp.getHours()) + pad(stamp.getMinutes()) + pad(stamp.getSeconds()) + '.' + ext;
        return new File([file], name, { type: file.type, lastModified: file.lastModified });
    }

    // Pasting an image (a screenshot, "Copy image") sends it; a paste that also carries plain
    // text (cells from a spreadsheet come with a picture of them) stays text.
    function onComposerPaste(event) {
        const data = event.clipboardData;
        if (!data || openId === null || editing)
            return;
        const files = Array.from(data.files || []);
        if (!files.length || Array.from(data.types || []).includes('text/plain'))
            return;
        event.preventDefault();
        startUploads(openId, files.map(pastedFile));
    }

    function draggingFiles(event) {
        return Boolean(event.dataTransfer) && Array.from(event.dataTransfer.types || []).includes('Files');
    }

    function showDropZone(shown) {
        const conversation = conversations.get(openId);
        $('drop-text').textContent = conversation
            ? t('dropHere', { name: (conversation.kind === 'dm' ? '' : '#') + conversationTitle(conversation) }) : '';
        $('drop-zone').hidden = !shown;
    }

    function setUpFileInput() {
        const section = $('conversation');
        section.addEventListener('dragenter', (event) => {
            if (!draggingFiles(event) || openId === null)
                return;
            event.preventDefault();
            dragDepth += 1;
            showDropZone(true);
        });
        section.addEventListener('dragover', (event) => {
            if (!draggingFiles(event) || openId === null)
                return;
            event.preventDefault();
            event.dataTransfer.dropEffect = 'copy';
        });
        section.addEventListener('dragleave', (event) => {
            if (!draggingFiles(event))
                return;
            dragDepth = Math.max(0, dragDepth - 1);
            if (dragDepth === 0)
                showDropZone(false);
        });
        section.addEventListener('drop', (event) => {
            if (!draggingFiles(event))
                return;
            event.preventDefault();
            dragDepth = 0;
            showDropZone(false);
            if (openId !== null)
                startUploads(openId, Array.from(event.dataTransfer.files || []));
        });
        // A file dropped beside the conversation must not replace the chat with the file.
        for (const type of ['dragover', 'drop']) {
            window.addEventListener(type, (event) => {
                if (draggingFiles(event))
                    event.preventDefault();
            });
        }
        $('attach-button').addEventListener('click', () => $('file-input').click());
        $('file-input').addEventListener('change', () => {
            const input = $('file-input');
            startUploads(openId, Array.from(input.files || []));
            input.value = ''; // the same file again is a change too
        });
        $('message-input').addEventListener('paste', onComposerPaste);
        $('image-close').addEventListener('click', () => $('image-dialog').close());
        forgetOldStoredUploads();
    }

    // ---- session end --------------------------------------------------------------------------

    async function loadLimits() {
        try {
            const response = await fetch('/healthz', { cache: 'no-store' });
            const json = await response.json();
            const limit = Number(json && json.maxTextChars);
            if (Number.isInteger(limit) && limit > 0)
                maxTextChars = limit;
            if (json && typeof json.hubInstance === 'string')
                hubInstance = json.hubInstance;
        } catch (e) {
            return;
        }
        checkComposerLength();
    }

    function resetChatState() {
        stopUploads(false);
        calls.sessionEnded();
        closeStream();
        clearTimeout(resyncTimer);
        clearTimeout(listTimer);
        cancelEdit();
        for (const view of views.values()) {
            for (const typist of view.typists.values())
                clearTimeout(typist.timer);
        }
        pending.clear();
        members.clear();
        views.clear();
        conversations.clear();
        openId = null;
        $('messages').replaceChildren();
        $('message-input').value = '';
        $('search-here').checked = false;
        closeSearch();
        renderNewestButton();
        renderTyping();
    }

    function sessionEnded() {
        resetChatState();
        forgetSession();
        showJoin(t('sessionEnded'));
    }

    async function leave() {
        const current = session;
        closeStream();
        await stopUploads(true); // while the token still counts
        if (current) {
            try {
                await api('DELETE', '/session');
            } catch (e) {
                // The hub forgets unused tokens by itself.
            }
        }
        resetChatState();
        forgetSession();
        showJoin('');
    }

    // ---- start --------------------------------------------------------------------------------

    function closeOnBackdrop(dialog) {
        dialog.addEventListener('click', (event) => {
            if (event.target === dialog)
                dialog.close();
        });
    }

    function start() {
        translateDocument(document);
        $('join-form').addEventListener('submit', onJoinSubmit);
        $('composer').addEventListener('submit', onComposerSubmit);
        $('message-input').addEventListener('input', onComposerInput);
        $('message-input').addEventListener('keydown', onComposerKey);
        $('older-button').addEventListener('click', loadOlder);
        $('leave-button').addEventListener('click', leave);
        $('edit-cancel').addEventListener('click', cancelEdit);
        $('back-button').addEventListener('click', () => {
            saveOpenView();
            showScreen('list');
        });
        $('members-toggle').addEventListener('click', () => {
            const open = $('chat-view').classList.toggle('members-open');
            $('members-toggle').setAttribute('aria-expanded', String(open));
        });
        $('new-channel-button').addEventListener('click', openNewChannel);
        $('new-channel-form').addEventListener('submit', onNewChannelSubmit);
        $('new-channel-cancel').addEventListener('click', () => $('new-channel-dialog').close());
        $('browse-button').addEventListener('click', openBrowse);
        $('browse-close').addEventListener('click', () => $('browse-dialog').close());
        $('message-button').addEventListener('click', openPeople);
        $('people-close').addEventListener('click', () => $('people-dialog').close());
        $('people-filter').addEventListener('input', renderPeople);
        $('search-form').addEventListener('submit', onSearchSubmit);
        $('search-close').addEventListener('click', closeSearch);
        $('search-more').addEventListener('click', () => {
            if (search.nextBefore !== null)
                runSearch(search.nextBefore);
        });
        $('search-input').addEventListener('keydown', (event) => {
            if (event.key === 'Escape' && searchOpen()) {
                event.preventDefault();
                closeSearch();
            }
        });
        $('newest-button').addEventListener('click', jumpToNewest);
        setUpFileInput();
        document.addEventListener('keydown', onGlobalKey);
        for (const dialog of document.querySelectorAll('dialog'))
            closeOnBackdrop(dialog);
        // Turning a phone or resizing a window: the screen that is now shown may be read.
        phone.addEventListener('change', () => {
            markReadIfVisible();
        });
        document.addEventListener('visibilitychange', () => {
            if (!document.hidden && session) {
                markReadIfVisible();
                renderTitle();
                // A phone may have frozen the tab or slept: a stream that gave up, or one that was
                // hidden long enough to have died silently, is reopened where the page left off.
                if (stream && stream.readyState === EventSource.CLOSED)
                    resync();
                else if (stream && hiddenSince && Date.now() - hiddenSince > SilentDeathMs) {
                    setState('reconnecting');
                    resync();
                }
            }
            hiddenSince = document.hidden ? Date.now() : 0;
        });
        // The browser noticed the network is back: do not wait for the next retry.
        window.addEventListener('online', () => {
            if (session && (!stream || stream.readyState !== EventSource.OPEN))
                resync();
        });
        loadLimits();
        calls.init({
            api, showToast, session: () => session, members: () => members,
        });
        const handoff = calls.takeHandoff();
        if (handoff) {
            startFromHandoff(handoff);
            return;
        }
        session = loadSession();
        if (session)
            enterChat();
        else
            showJoin('');
    }

    // Opened by the desktop window for a call: the one-time code becomes a session of the same
    // member (replacing whatever this browser had), then the call is accepted or placed.
    async function startFromHandoff(handoff) {
        const redeemed = await calls.redeemHandoff(handoff);
        if (!redeemed) {
            session = loadSession();
            if (session) {
                enterChat();
                showToast(t('callHandoffFailed'));
            } else {
                showJoin(t('callHandoffFailed'));
            }
            return;
        }
        session = {
            token: String(redeemed.token),
            member: { id: String(redeemed.member.id), name: String(redeemed.member.name) },
        };
        storageSet(OpenKey, null);
        saveSession();
        enterChat();
        calls.runHandoff(handoff);
    }

    start();
})();
