// The Confab web client: join a room on the hub that served this page, then chat.
// The contract is docs/protocol.md. Everything a remote member wrote (names, texts, room titles)
// reaches the page through textContent only, never as HTML.
'use strict';

(function () {
    const { t, tn, locale, formatLocales, translateDocument } = window.ConfabI18n;

    const ApiPrefix = '/api/v1';
    const SessionKey = 'confab.session'; // localStorage: a reload (or a phone killing the tab) resumes
    const NameKey = 'confab.name';
    const MaxNameChars = 32;
    const HistoryPageSize = 100;
    const MaxRenderedItems = 1500;       // older items leave the DOM; "load older" brings them back
    const TypingSendIntervalMs = 2000;   // the hub drops more frequent typing calls anyway
    const TypingShowMs = 5000;
    const SendRetryDelaysMs = [500, 1000, 2000, 4000, 8000]; // then the message is marked failed
    const DefaultRateLimitWaitMs = 1000;
    const ResyncDelayMs = 3000;          // when the hub cannot be reached or the stream gave up
    const NearBottomPx = 80;
    // An EventSource cannot see the hub's heartbeat comments, so a link that died while the tab
    // was hidden (a phone asleep) would look open forever: after this long hidden, reconnect.
    const SilentDeathMs = 30000;

    const $ = (id) => document.getElementById(id);

    let session = null;        // {token, member: {id, name}, room: {id, title}}
    let stream = null;         // the EventSource of the room
    let lastId = 0;            // newest history id shown; events at or below it are replays
    let oldestId = null;       // oldest history id shown, for "load older"
    let resyncTimer = null;
    let roomsTimer = null;
    let hubSaidBye = false;
    let unread = 0;
    let hiddenSince = 0;
    let lastTypingSentAt = 0;
    let rooms = [];
    let maxTextChars = 0;      // the hub's message limit from /healthz; 0 while unknown
    const members = new Map(); // member id -> {id, name, online}
    const typists = new Map(); // member id -> {name, timer}
    const pending = new Map(); // clientId -> <li> of a message this page sent and has not seen back

    // ---- HTTP ---------------------------------------------------------------------------------

    async function api(method, path, body) {
        const headers = {};
        if (session)
            headers.Authorization = 'Bearer ' + session.token;
        const init = { method, headers, cache: 'no-store' };
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        const response = await fetch(ApiPrefix + path, init); // throws on a network error
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

    function roomPath(suffix) {
        return '/rooms/' + encodeURIComponent(session.room.id) + suffix;
    }

    function errorCode(result) {
        return result && result.json && result.json.error ? String(result.json.error.code) : '';
    }

    function errorText(result) {
        const code = errorCode(result);
        const keys = {
            bad_name: 'errorName', name_taken: 'errorNameTaken', wrong_password: 'errorPassword',
            unauthorized: 'errorPassword',
            unknown_room: 'errorRoom', rate_limited: 'errorRate', text_too_long: 'errorTooLong',
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

    // ---- session storage ----------------------------------------------------------------------

    function loadSession() {
        try {
            const stored = JSON.parse(localStorage.getItem(SessionKey) || 'null');
            if (stored && typeof stored.token === 'string' && stored.member && stored.room)
                return stored;
        } catch (e) {
            // A broken entry is the same as none.
        }
        return null;
    }

    function saveSession() {
        try {
            localStorage.setItem(SessionKey, JSON.stringify(session));
            localStorage.setItem(NameKey, session.member.name);
        } catch (e) {
            // Private mode without storage: the session simply does not survive a reload.
        }
    }

    function forgetSession() {
        session = null;
        try {
            localStorage.removeItem(SessionKey);
        } catch (e) {
            // Nothing stored.
        }
    }

    // ---- join view ----------------------------------------------------------------------------

    function selectedRoom() {
        const id = $('join-room').value;
        return rooms.find((room) => room.id === id) || null;
    }

    function showRoomDetails() {
        const room = selectedRoom();
        $('password-field').hidden = !(room && room.locked) && $('password-field').dataset.forced !== '1';
        $('room-summary').textContent = room
            ? t('roomSummary', {
                room: String(room.title || room.id), online: room.online,
                members: tn('memberCount', Number(room.members) || 0),
            })
            : '';
    }

    async function loadRooms() {
        clearTimeout(roomsTimer);
        let result;
        try {
            result = await api('GET', '/rooms');
        } catch (e) {
            // Keep trying while the join form is shown: the hub may be restarting.
            $('join-error').textContent = t('noHub');
            if (!$('join-view').hidden)
                roomsTimer = setTimeout(loadRooms, ResyncDelayMs);
            return;
        }
        if ($('join-error').textContent === t('noHub'))
            $('join-error').textContent = '';
        if (result.status !== 200 || !result.json || !Array.isArray(result.json.rooms)) {
            $('join-error').textContent = errorText(result);
            return;
        }
        rooms = result.json.rooms;
        const select = $('join-room');
        const wanted = new URLSearchParams(location.search).get('room') || select.value;
        select.replaceChildren();
        for (const room of rooms) {
            const option = document.createElement('option');
            option.value = String(room.id);
            option.textContent = String(room.title || room.id);
            select.append(option);
        }
        if (rooms.some((room) => room.id === wanted))
            select.value = wanted;
        $('room-field').hidden = rooms.length < 2;
        showRoomDetails();
    }

    function showJoin(message) {
        closeStream();
        clearTimeout(resyncTimer);
        document.title = t('appName');
        $('chat-view').hidden = true;
        $('join-view').hidden = false;
        $('join-error').textContent = message || '';
        $('join-button').disabled = false;
        try {
            $('join-name').value = localStorage.getItem(NameKey) || '';
        } catch (e) {
            // No storage, no remembered name.
        }
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
        const room = selectedRoom();
        const body = { name };
        if (room)
            body.room = room.id;
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
        if (result.status !== 201 || !result.json || !result.json.token) {
            if (errorCode(result) === 'wrong_password') {
                // The room list may be stale: ask for the password from now on.
                $('password-field').dataset.forced = '1';
                $('password-field').hidden = false;
            }
            $('join-error').textContent = errorText(result);
            return;
        }
        session = {
            token: result.json.token,
            member: result.json.member,
            room: result.json.room || { id: body.room || 'lobby', title: '' },
        };
        $('join-password').value = '';
        saveSession();
        enterChat();
    }

    // ---- chat view ----------------------------------------------------------------------------

    function roomTitle() {
        return String(session.room.title || session.room.id);
    }

    function updateTitle() {
        const base = roomTitle() + ' – ' + t('appName');
        document.title = unread > 0 ? '(' + unread + ') ' + base : base;
    }

    // After `bye`, "Host closed the room" stays until the stream is open again: the failed
    // reconnections that follow (refused, 503 while the hub stops) are no news.
    function setState(state) {
        const labels = {
            connecting: 'stateConnecting', live: 'stateLive', reconnecting: 'stateReconnecting',
            offline: 'stateOffline', stopped: 'stateHubStopped',
        };
        const element = $('connection-state');
        element.textContent = t(labels[state]);
        element.dataset.state = state;
        element.title = element.textContent; // the whole text where a phone's top bar cuts it
        $('chat-view').dataset.state = state; // the stylesheet greys out presence while not live
        $('members-note').textContent = state === 'stopped' ? t('roomClosed') : '';
        $('members-note').hidden = state !== 'stopped';
    }

    function enterChat() {
        $('join-view').hidden = true;
        $('chat-view').hidden = false;
        $('room-title').textContent = roomTitle();
        unread = 0;
        updateTitle();
        members.clear();
        renderMembers();
        resync();
        $('message-input').focus();
    }

    // Loads the newest history page, the members, then opens the stream where history ended.
    // Used on entering, after `reset`, and when the stream gave up.
    async function resync() {
        clearTimeout(resyncTimer);
        closeStream();
        setState(hubSaidBye ? 'stopped' : 'connecting');
        let result;
        try {
            result = await api('GET', roomPath('/messages?limit=' + HistoryPageSize));
        } catch (e) {
            setState(hubSaidBye ? 'stopped' : 'offline');
            resyncTimer = setTimeout(resync, ResyncDelayMs);
            return;
        }
        if (!session)
            return;
        if (result.status === 401 || result.status === 404) {
            sessionEnded();
            return;
        }
        if (result.status !== 200 || !result.json || !Array.isArray(result.json.events)) {
            setState(hubSaidBye ? 'stopped' : 'offline');
            resyncTimer = setTimeout(resync, ResyncDelayMs);
            return;
        }
        showHistory(result.json.events, Boolean(result.json.hasMore));
        refreshMembers();
        loadLimits(); // a hub started again may have other limits
        openStream();
    }

    // The hub's message limit, so that a message too long is refused here, whole, before it is
    // sent (nothing is ever cut). Without an answer the hub's own 413 still refuses it.
    async function loadLimits() {
        try {
            const response = await fetch('/healthz', { cache: 'no-store' });
            const health = await response.json();
            const limit = Number(health && health.maxTextChars);
            if (Number.isInteger(limit) && limit > 0)
                maxTextChars = limit;
        } catch (e) {
            return;
        }
        checkComposerLength();
    }

    function sessionEnded() {
        forgetSession();
        showJoin(t('sessionEnded'));
    }

    function showHistory(events, hasMore) {
        const list = $('messages');
        const unconfirmed = [...pending.entries()];
        list.replaceChildren();
        lastId = 0;
        oldestId = null;
        for (const event of events)
            list.append(renderHistoryEvent(event));
        for (const event of events) {
            const id = event && event.data ? Number(event.data.id) : NaN;
            if (Number.isFinite(id)) {
                lastId = Math.max(lastId, id);
                oldestId = oldestId === null ? id : Math.min(oldestId, id);
            }
        }
        // Messages this page sent that the history does not hold yet stay on screen.
        const stored = new Set(events.filter((e) => e && e.data && e.data.clientId)
            .map((e) => e.data.clientId));
        for (const [clientId, item] of unconfirmed) {
            if (stored.has(clientId))
                pending.delete(clientId);
            else
                list.append(item);
        }
        $('older-button').hidden = !hasMore;
        scrollToBottom();
    }

    function renderHistoryEvent(event) {
        if (event && event.type === 'presence')
            return renderPresence(event.data || {});
        return renderMessage((event && event.data) || {});
    }

    async function loadOlder() {
        if (oldestId === null)
            return;
        $('older-button').disabled = true;
        let result = null;
        try {
            result = await api('GET',
                roomPath('/messages?before=' + oldestId + '&limit=' + HistoryPageSize));
        } catch (e) {
            result = null;
        }
        $('older-button').disabled = false;
        if (!result || result.status !== 200 || !result.json || !Array.isArray(result.json.events))
            return;
        const timeline = $('timeline');
        const distanceFromBottom = timeline.scrollHeight - timeline.scrollTop;
        const fragment = document.createDocumentFragment();
        for (const event of result.json.events) {
            fragment.append(renderHistoryEvent(event));
            const id = event && event.data ? Number(event.data.id) : NaN;
            if (Number.isFinite(id))
                oldestId = Math.min(oldestId, id);
        }
        $('messages').prepend(fragment);
        $('older-button').hidden = !result.json.hasMore;
        timeline.scrollTop = timeline.scrollHeight - distanceFromBottom;
    }

    async function refreshMembers() {
        let result;
        try {
            result = await api('GET', roomPath('/members'));
        } catch (e) {
            return;
        }
        if (!session || result.status !== 200 || !result.json || !Array.isArray(result.json.members))
            return;
        members.clear();
        for (const member of result.json.members)
            members.set(String(member.id), { id: String(member.id), name: String(member.name), online: Boolean(member.online) });
        renderMembers();
    }

    // ---- the event stream ---------------------------------------------------------------------

    function openStream() {
        closeStream();
        // ?lastEventId resumes exactly after the history shown; on its own reconnects the browser
        // sends the Last-Event-ID header of the newest event it received.
        const url = ApiPrefix + roomPath('/events') + '?token=' + encodeURIComponent(session.token)
            + '&lastEventId=' + lastId;
        const source = new EventSource(url);
        stream = source;
        source.addEventListener('open', () => {
            hubSaidBye = false;
            setState('live');
            refreshMembers();
        });
        source.addEventListener('error', () => {
            if (stream !== source)
                return;
            if (source.readyState === EventSource.CLOSED) {
                // The browser gave up (an HTTP error such as 401 or 503): check the session and
                // start again from the history after a pause.
                setState(hubSaidBye ? 'stopped' : 'offline');
                closeStream();
                resyncTimer = setTimeout(resync, ResyncDelayMs);
            } else {
                setState(hubSaidBye ? 'stopped' : 'reconnecting');
            }
        });
        const handlers = {
            message: onMessageEvent, presence: onPresenceEvent, typing: onTypingEvent,
            reset: onResetEvent, bye: onByeEvent,
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

    // True for a history event this page already shows (a replay after a reconnect).
    function alreadySeen(data) {
        const id = Number(data.id);
        if (!Number.isFinite(id))
            return false;
        if (id <= lastId)
            return true;
        lastId = id;
        if (oldestId === null)
            oldestId = id;
        return false;
    }

    function onMessageEvent(data) {
        if (alreadySeen(data))
            return;
        const from = data.from || {};
        stopTyping(String(from.id));
        const item = renderMessage(data);
        const mine = session && String(from.id) === session.member.id;
        const own = data.clientId !== undefined ? pending.get(String(data.clientId)) : undefined;
        if (own) {
            pending.delete(String(data.clientId));
            own.replaceWith(item);
        } else {
            appendItem(item, mine);
        }
        if (document.hidden && !mine) {
            unread += 1;
            updateTitle();
        }
    }

    function onPresenceEvent(data) {
        const member = data.member || {};
        const id = String(member.id);
        const state = String(data.state);
        if ((state === 'join' || state === 'leave') && alreadySeen(data))
            return;
        if (state === 'join') {
            if (!members.has(id))
                members.set(id, { id, name: String(member.name), online: false });
            appendItem(renderPresence(data), false);
        } else if (state === 'leave') {
            members.delete(id);
            stopTyping(id);
            appendItem(renderPresence(data), false);
        } else if (state === 'online' || state === 'offline') {
            const known = members.get(id) || { id, name: String(member.name), online: false };
            known.online = state === 'online';
            members.set(id, known);
        }
        renderMembers();
    }

    function onTypingEvent(data) {
        const member = data.member || {};
        const id = String(member.id);
        if (session && id === session.member.id)
            return;
        const previous = typists.get(id);
        if (previous)
            clearTimeout(previous.timer);
        typists.set(id, { name: String(member.name), timer: setTimeout(() => stopTyping(id), TypingShowMs) });
        renderTyping();
    }

    async function onResetEvent() {
        await resync(); // replaces the timeline, so the notice comes after it
        if (session)
            appendNotice(t('reset'));
    }

    // The host closed the room: nobody is online any more, whatever the list said. The stream
    // keeps trying; when the room is open again, `open` reloads the members.
    function onByeEvent() {
        hubSaidBye = true;
        for (const member of members.values())
            member.online = false;
        for (const id of [...typists.keys()])
            stopTyping(id);
        renderMembers();
        setState('stopped');
        appendNotice(t('bye'));
    }

    function stopTyping(id) {
        const typist = typists.get(id);
        if (!typist)
            return;
        clearTimeout(typist.timer);
        typists.delete(id);
        renderTyping();
    }

    // ---- rendering (textContent only) ---------------------------------------------------------

    // The browser's locale decides 24- or 12-hour time (the interface language alone cannot:
    // English is both).
    const timeFormat = new Intl.DateTimeFormat(formatLocales, { hour: 'numeric', minute: '2-digit' });

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
        if (session && String(from.id) === session.member.id)
            item.classList.add('mine');
        if (data.id !== undefined)
            item.dataset.id = String(data.id);
        const meta = document.createElement('div');
        meta.className = 'meta';
        const author = document.createElement('span');
        author.className = 'author';
        author.textContent = String(from.name || '?');
        meta.append(author, ' ', timeElement(data.ts));
        const text = document.createElement('div');
        text.className = 'text';
        appendWithLinks(text, String(data.text || ''));
        item.append(meta, text);
        return item;
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
            item.dataset.id = String(data.id);
        const key = data.state === 'leave' ? 'left' : 'joined';
        item.append(t(key, { name: String(member.name || '?') }), ' · ', timeElement(data.ts));
        return item;
    }

    function appendNotice(text) {
        const item = document.createElement('li');
        item.className = 'system notice';
        item.textContent = text;
        appendItem(item, false);
    }

    function appendItem(item, forceScroll) {
        const timeline = $('timeline');
        const nearBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < NearBottomPx;
        const list = $('messages');
        list.append(item);
        while (list.childElementCount > MaxRenderedItems) {
            list.firstElementChild.remove();
            $('older-button').hidden = false;
            const first = list.querySelector('[data-id]');
            oldestId = first ? Number(first.dataset.id) : oldestId;
        }
        if (nearBottom || forceScroll)
            scrollToBottom();
    }

    function scrollToBottom() {
        const timeline = $('timeline');
        timeline.scrollTop = timeline.scrollHeight;
    }

    // One row per name. Names are unique among members online (case-insensitive), but a session
    // the person no longer uses stays listed, away, until it ends: after the host hosts again
    // from another address, or a browser that forgot its session, the same person would show
    // twice, once online and once away. The row is online when any of them is.
    function membersByName() {
        const byName = new Map();
        for (const member of members.values()) {
            const key = member.name.toLocaleLowerCase();
            const mine = Boolean(session && member.id === session.member.id);
            const known = byName.get(key);
            if (!known) {
                byName.set(key, { id: member.id, name: member.name, online: member.online, mine });
            } else {
                known.online = known.online || member.online;
                known.mine = known.mine || mine;
                if (member.online || mine)
                    known.name = member.name;
            }
        }
        return [...byName.values()];
    }

    function renderMembers() {
        const rows = membersByName();
        const sorted = rows.sort((a, b) =>
            (b.online - a.online) || a.name.localeCompare(b.name, locale));
        const list = $('member-list');
        list.replaceChildren();
        for (const member of sorted) {
            const item = document.createElement('li');
            item.className = member.online ? 'online' : 'offline';
            const dot = document.createElement('span');
            dot.className = 'dot';
            dot.title = t(member.online ? 'online' : 'offline');
            const name = document.createElement('span');
            name.className = 'name';
            name.textContent = member.name;
            item.append(dot, name);
            if (member.mine)
                item.append(' ', t('you'));
            list.append(item);
        }
        $('members-count').textContent = String(rows.filter((m) => m.online).length);
    }

    function renderTyping() {
        const names = [...typists.values()].map((typist) => typist.name);
        let text = '';
        if (names.length === 1)
            text = t('typingOne', { name: names[0] });
        else if (names.length === 2)
            text = t('typingTwo', { a: names[0], b: names[1] });
        else if (names.length > 2)
            text = t('typingMany');
        $('typing').textContent = text;
    }

    // ---- sending ------------------------------------------------------------------------------

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
        if (!text || !session)
            return;
        if (!checkComposerLength()) {
            input.focus();
            return;
        }
        input.value = '';
        checkComposerLength();
        fitComposer();
        const clientId = 'w-' + randomId();
        const item = renderMessage({ from: session.member, text, ts: Date.now(), clientId });
        item.classList.add('pending');
        item.addEventListener('click', () => {
            if (item.classList.contains('failed'))
                deliver(clientId, text, item);
        });
        pending.set(clientId, item);
        appendItem(item, true);
        deliver(clientId, text, item);
    }

    // Posts until the hub stored the message. Retrying with the same clientId is safe: the hub
    // answers a repeat with the first answer and stores nothing new.
    async function deliver(clientId, text, item) {
        item.classList.add('sending');
        item.classList.remove('failed');
        setStatusLine(item, t('sending'));
        for (let attempt = 0; session; ++attempt) {
            let result = null;
            try {
                result = await api('POST', roomPath('/messages'), { text, clientId });
            } catch (e) {
                result = null;
            }
            if (result && result.status === 201) {
                item.classList.remove('sending');
                setStatusLine(item, '');
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

    function onComposerInput() {
        fitComposer();
        checkComposerLength();
        const now = Date.now();
        if (!session || !$('message-input').value.trim() || now - lastTypingSentAt < TypingSendIntervalMs)
            return;
        lastTypingSentAt = now;
        api('POST', roomPath('/typing')).catch(() => {});
    }

    function onComposerKey(event) {
        // Enter sends, Shift+Enter starts a new line; an IME composing Chinese keeps its Enter.
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            $('composer').requestSubmit();
        }
    }

    function fitComposer() {
        const input = $('message-input');
        input.style.height = 'auto';
        input.style.height = Math.min(input.scrollHeight, 160) + 'px';
    }

    async function leave() {
        const current = session;
        closeStream();
        if (current) {
            try {
                await api('DELETE', '/session');
            } catch (e) {
                // The hub forgets unused tokens by itself.
            }
        }
        forgetSession();
        pending.clear();
        members.clear();
        typists.clear();
        renderTyping();
        showJoin('');
    }

    // ---- start --------------------------------------------------------------------------------

    function start() {
        translateDocument(document);
        $('join-form').addEventListener('submit', onJoinSubmit);
        $('join-room').addEventListener('change', showRoomDetails);
        $('composer').addEventListener('submit', onComposerSubmit);
        $('message-input').addEventListener('input', onComposerInput);
        $('message-input').addEventListener('keydown', onComposerKey);
        $('older-button').addEventListener('click', loadOlder);
        $('leave-button').addEventListener('click', leave);
        $('members-toggle').addEventListener('click', () => {
            const open = $('chat-view').classList.toggle('members-open');
            $('members-toggle').setAttribute('aria-expanded', String(open));
        });
        document.addEventListener('visibilitychange', () => {
            if (!document.hidden && session) {
                unread = 0;
                updateTitle();
                // A phone may have frozen the tab or slept: a stream that gave up, or one that was
                // hidden long enough to have died silently, is reopened where the page left off.
                if (stream && stream.readyState === EventSource.CLOSED)
                    resync();
                else if (stream && hiddenSince && Date.now() - hiddenSince > SilentDeathMs) {
                    setState('reconnecting');
                    openStream();
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
        session = loadSession();
        if (session)
            enterChat();
        else
            showJoin('');
    }

    start();
})();
