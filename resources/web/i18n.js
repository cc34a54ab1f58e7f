// Interface strings of the web client: English and Simplified Chinese, picked from
// navigator.languages. Placeholders like {name} are filled by ConfabI18n.t(); the result is
// always inserted with textContent, so a member's name can never become markup.
'use strict';

(function () {
    const catalogs = {
        en: {
            appName: 'Confab',
            joinIntro: 'Chat with the people on this network.',
            room: 'Room',
            roomSummary: '{room} · {online} online, {members}',
            memberCount: { one: '{count} member', other: '{count} members' },
            name: 'Your name',
            password: 'Room password',
            join: 'Join',
            joining: 'Joining…',
            members: 'Members',
            membersOf: 'Members of #{name}',
            membersDm: 'You and {name}',
            leave: 'Leave',
            older: 'Load older messages',
            placeholder: 'Write a message',
            send: 'Send',
            stateConnecting: 'Connecting…',
            stateLive: 'Connected',
            stateReconnecting: 'Reconnecting…',
            stateOffline: 'Offline',
            stateHubStopped: 'Host closed the room',
            joined: '{name} joined',
            left: '{name} left',
            you: '(you)',
            online: 'online',
            offline: 'away',
            typingOne: '{name} is typing…',
            typingTwo: '{a} and {b} are typing…',
            typingMany: 'Several people are typing…',
            sending: 'Sending…',
            failed: 'Not sent. Tap to retry.',
            bye: 'The host closed the room. This page reconnects by itself when the room is open again.',
            roomClosed: 'The room is closed: nobody is online until the host opens it again.',
            reset: 'The hub’s history changed; reloaded.',
            noHub: 'Cannot reach the hub.',
            errorName: 'Names have 1 to 32 characters.',
            errorNameTaken: 'Someone online already uses that name.',
            errorPassword: 'Wrong password.',
            errorRoom: 'This room does not exist.',
            errorRate: 'Too many messages; wait a moment.',
            errorTooLong: 'Too long for this room.',
            tooLong: 'Too long to send: {count} characters, and this room takes at most {max} in one message. Shorten it or split it into several messages.',
            errorGeneric: 'Something went wrong ({code}).',
            sessionEnded: 'Your session ended. Join again.',
            newChannel: 'New channel',
            browseChannels: 'Browse channels',
            messageSomeone: 'Message…',
            channels: 'Channels',
            directMessages: 'Direct messages',
            noDms: 'No direct messages yet.',
            back: 'Back to conversations',
            editing: 'Editing your message (Esc cancels)',
            cancel: 'Cancel',
            channelTitle: 'Name',
            channelTopic: 'Topic (optional)',
            create: 'Create',
            close: 'Close',
            open: 'Open',
            joinChannel: 'Join',
            findPerson: 'Find a person',
            nobodyElse: 'Nobody else is here yet.',
            messageName: 'Message {name}',
            membersUnavailable: 'This hub does not list its members.',
            unreadCount: { one: '{count} unread message', other: '{count} unread messages' },
            mentionCount: { one: '{count} mention of you', other: '{count} mentions of you' },
            edited: '(edited)',
            deleted: 'This message was deleted.',
            messageActions: 'Message actions',
            edit: 'Edit',
            delete: 'Delete',
            confirmDelete: 'Delete for everyone?',
            errorChannelTaken: 'A channel with that name exists already.',
            errorBadChannel: 'Channel names have 1 to 64 characters.',
            errorUnknownMember: 'That person has left the hub.',
            errorNotAuthor: 'Only the author can change a message.',
            errorUnknownMessage: 'That message no longer exists.',
            leaveChannel: 'Leave',
            dmStart: 'This is the start of your conversation with {name}.',
            channelStart: 'Nothing has been said in {name} yet.',
            searchPlaceholder: 'Search messages (Ctrl+F)',
            searchHere: 'This conversation only',
            searchClose: 'Close search',
            searchMore: 'More results',
            searchAll: 'In all your conversations',
            searchIn: 'In {name}',
            searching: 'Searching…',
            searchTooShort: 'Type at least two characters to search.',
            searchBadQuery: 'This search cannot be run: at most 200 characters and 8 words, no control characters.',
            searchNone: 'No messages contain “{query}”.',
            searchNoMore: 'No more results.',
            searchCount: { one: '{count} result', other: '{count} results' },
            searchCountMore: 'First {count} results',
            searchNoneYet: 'Nothing found yet.',
            searchDm: 'DM with {name}',
            searchTruncated: 'The search stopped early to stay fast; “More results” looks further back.',
            searchIndexing: 'Older messages are still being indexed, so this search may be slower.',
            searchUnavailable: 'This hub cannot search messages.',
            searchFailed: 'The search did not reach the hub. Try again.',
            searchGone: 'You are no longer in that conversation.',
            jumpNewest: 'Jump to newest ↓',
            attach: 'Attach files',
            dropHere: 'Drop files to send them to {name}',
            uploadWaiting: 'Waiting…',
            uploadStarting: 'Starting…',
            uploadResuming: 'Resuming…',
            uploadProgress: '{percent} · {speed}',
            uploadOther: 'to {name}',
            uploadFinishing: 'Checking…',
            uploadFailed: 'Not sent: {reason}',
            uploadRetrying: 'The hub cannot be reached; trying again…',
            uploadCancel: 'Cancel upload of {name}',
            uploadRetry: 'Retry',
            uploadPause: 'Pause',
            uploadResume: 'Resume',
            uploadPauseLabel: 'Pause upload of {name}',
            uploadResumeLabel: 'Resume upload of {name}',
            uploadPaused: 'Paused at {percent}',
            uploadDismiss: 'Dismiss',
            uploadTooLarge: '{size} is more than this hub takes ({max} at most).',
            uploadTooLargeNoMax: '{size} is more than this hub takes.',
            uploadStorageFull: 'the hub has no room left for files.',
            uploadTooMany: 'too many uploads at once; retry when one has finished.',
            uploadNotMember: 'you are not in this conversation any more.',
            uploadBadFile: 'the hub refused this file ({code}).',
            uploadNoHub: 'the hub cannot be reached.',
            uploadReadError: 'the browser could not read this file.',
            uploadUnsupported: 'this hub does not take files.',
            download: 'Download',
            openFull: 'Open in new tab',
            showFull: 'Show {name} at full size',
            fileGone: 'This file is no longer available.',
            imageUnavailable: 'Image not available',
        },
        'zh-CN': {
            appName: 'Confab',
            joinIntro: '与本网络中的人聊天。',
            room: '房间',
            roomSummary: '{room} · {online} 人在线，{members}',
            memberCount: { other: '共 {count} 位成员' },
            name: '你的名字',
            password: '房间密码',
            join: '加入',
            joining: '正在加入…',
            members: '成员',
            membersOf: '#{name}的成员',
            membersDm: '你和{name}',
            leave: '离开',
            older: '加载更早的消息',
            placeholder: '输入消息',
            send: '发送',
            stateConnecting: '正在连接…',
            stateLive: '已连接',
            stateReconnecting: '正在重新连接…',
            stateOffline: '离线',
            stateHubStopped: '主持人已关闭房间',
            joined: '{name} 加入了',
            left: '{name} 离开了',
            you: '（你）',
            online: '在线',
            offline: '离开',
            typingOne: '{name} 正在输入…',
            typingTwo: '{a} 和 {b} 正在输入…',
            typingMany: '多人正在输入…',
            sending: '正在发送…',
            failed: '未发送。点击重试。',
            bye: '主持人已关闭房间。房间重新开放后，本页面会自动重新连接。',
            roomClosed: '房间已关闭：在主持人重新开放之前，没有人在线。',
            reset: '服务器的历史记录已变化，已重新加载。',
            noHub: '无法连接到服务器。',
            errorName: '名字须为 1 到 32 个字符。',
            errorNameTaken: '已有在线成员使用这个名字。',
            errorPassword: '密码错误。',
            errorRoom: '该房间不存在。',
            errorRate: '消息太多，请稍候。',
            errorTooLong: '消息太长，本房间不接受。',
            tooLong: '消息太长，无法发送：共 {count} 个字符，本房间每条消息最多 {max} 个字符。请缩短，或分成几条发送。',
            errorGeneric: '出错了（{code}）。',
            sessionEnded: '会话已结束，请重新加入。',
            newChannel: '新建频道',
            browseChannels: '浏览频道',
            messageSomeone: '发消息给…',
            channels: '频道',
            directMessages: '私信',
            noDms: '还没有私信。',
            back: '返回会话列表',
            editing: '正在编辑你的消息（按 Esc 取消）',
            cancel: '取消',
            channelTitle: '名称',
            channelTopic: '主题（可选）',
            create: '创建',
            close: '关闭',
            open: '打开',
            joinChannel: '加入',
            findPerson: '查找成员',
            nobodyElse: '这里还没有其他人。',
            messageName: '给 {name} 发消息',
            membersUnavailable: '此服务器不提供成员列表。',
            unreadCount: { other: '{count} 条未读消息' },
            mentionCount: { other: '{count} 次提到你' },
            edited: '（已编辑）',
            deleted: '此消息已删除。',
            messageActions: '消息操作',
            edit: '编辑',
            delete: '删除',
            confirmDelete: '为所有人删除？',
            errorChannelTaken: '已有同名频道。',
            errorBadChannel: '频道名称须为 1 到 64 个字符。',
            errorUnknownMember: '此人已离开服务器。',
            errorNotAuthor: '只有作者可以修改消息。',
            errorUnknownMessage: '该消息已不存在。',
            leaveChannel: '退出',
            dmStart: '这是你和 {name} 的对话的开始。',
            channelStart: '{name} 里还没有人发言。',
            searchPlaceholder: '搜索消息（Ctrl+F）',
            searchHere: '仅搜索当前对话',
            searchClose: '关闭搜索',
            searchMore: '更多结果',
            searchAll: '在你的所有对话中',
            searchIn: '在 {name} 中',
            searching: '正在搜索…',
            searchTooShort: '请至少输入两个字符再搜索。',
            searchBadQuery: '无法执行此搜索：最多 200 个字符、8 个词，且不能含控制字符。',
            searchNone: '没有消息包含“{query}”。',
            searchNoMore: '没有更多结果了。',
            searchCount: { other: '{count} 条结果' },
            searchCountMore: '前 {count} 条结果',
            searchNoneYet: '暂未找到。',
            searchDm: '与 {name} 的私信',
            searchTruncated: '为保持速度，搜索提前停止了；点“更多结果”继续向前查找。',
            searchIndexing: '较早的消息仍在建立索引，此次搜索可能较慢。',
            searchUnavailable: '此服务器不支持搜索消息。',
            searchFailed: '搜索请求未能到达服务器，请重试。',
            searchGone: '你已不在该对话中。',
            jumpNewest: '跳到最新消息 ↓',
            attach: '添加文件',
            dropHere: '松开即可发送到 {name}',
            uploadWaiting: '等待中…',
            uploadStarting: '正在开始…',
            uploadResuming: '正在继续上次的上传…',
            uploadProgress: '{percent} · {speed}',
            uploadOther: '发送到 {name}',
            uploadFinishing: '正在校验…',
            uploadFailed: '未发送：{reason}',
            uploadRetrying: '无法连接服务器，正在重试…',
            uploadCancel: '取消上传 {name}',
            uploadRetry: '重试',
            uploadPause: '暂停',
            uploadResume: '继续',
            uploadPauseLabel: '暂停上传 {name}',
            uploadResumeLabel: '继续上传 {name}',
            uploadPaused: '已暂停（{percent}）',
            uploadDismiss: '关闭',
            uploadTooLarge: '文件大小 {size}，此服务器只接受不超过 {max} 的文件。',
            uploadTooLargeNoMax: '文件大小 {size}，超过了此服务器的上限。',
            uploadStorageFull: '服务器的文件存储空间已满。',
            uploadTooMany: '同时上传的文件太多，请等其中一个完成后重试。',
            uploadNotMember: '你已不在该对话中。',
            uploadBadFile: '服务器拒绝了此文件（{code}）。',
            uploadNoHub: '无法连接服务器。',
            uploadReadError: '浏览器无法读取此文件。',
            uploadUnsupported: '此服务器不支持文件。',
            download: '下载',
            openFull: '在新标签页中打开',
            showFull: '查看 {name} 原图',
            fileGone: '该文件已不可用。',
            imageUnavailable: '图片无法显示',
        },
    };

    // Simplified Chinese for zh, zh-CN, zh-SG and zh-Hans; Traditional variants are not
    // translated, so they fall through to the next preferred language.
    function pickLocale(languages) {
        for (const tag of languages) {
            const lower = String(tag).toLowerCase();
            if (lower.startsWith('en'))
                return 'en';
            if (lower === 'zh' || lower.startsWith('zh-cn') || lower.startsWith('zh-sg')
                || lower.startsWith('zh-hans'))
                return 'zh-CN';
        }
        return 'en';
    }

    const languages = navigator.languages && navigator.languages.length
        ? navigator.languages : [navigator.language || 'en'];
    const locale = pickLocale(languages);
    const catalog = catalogs[locale];

    function fill(template, values) {
        return template.replace(/\{(\w+)\}/g,
            (whole, name) => (values && name in values ? String(values[name]) : whole));
    }

    function t(key, values) {
        const template = catalog[key] !== undefined ? catalog[key] : catalogs.en[key];
        if (typeof template !== 'string')
            return key;
        return fill(template, values);
    }

    // A text with a number in it, in the plural form the language uses for that number ("1
    // member", "2 members"; Chinese has one form). {count} is the number, formatted.
    const pluralRules = new Intl.PluralRules(locale);
    const numberFormat = new Intl.NumberFormat(locale);
    function tn(key, count, values) {
        const forms = catalog[key] !== undefined ? catalog[key] : catalogs.en[key];
        if (!forms || typeof forms !== 'object')
            return key;
        const template = forms[pluralRules.select(count)] || forms.other;
        return fill(template, { ...values, count: numberFormat.format(count) });
    }

    // Static texts of index.html: data-i18n sets textContent, data-i18n-placeholder the placeholder,
    // data-i18n-label the accessible name (and tooltip) of a button that shows only a sign.
    function translateDocument(root) {
        document.documentElement.lang = locale;
        for (const element of root.querySelectorAll('[data-i18n]'))
            element.textContent = t(element.dataset.i18n);
        for (const element of root.querySelectorAll('[data-i18n-placeholder]'))
            element.placeholder = t(element.dataset.i18nPlaceholder);
        for (const element of root.querySelectorAll('[data-i18n-label]')) {
            element.setAttribute('aria-label', t(element.dataset.i18nLabel));
            element.title = t(element.dataset.i18nLabel);
        }
    }

    // Dates and times follow the browser's own locale (en-GB: 24-hour, en-US: 12-hour), which is
    // more precise than the two interface languages.
    const formatLocales = Array.from(languages, String);

    // Sizes and speeds as the window and the terminal show them (app/datasize.h): binary units
    // named as such (B, KiB, MiB, GiB, TiB), one decimal below 100 of a unit, none from 100 on.
    const SizeUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    const SizeStep = 1024;
    const SizeWholeFrom = 100;
    function formatSize(bytes) {
        let value = Math.max(0, Math.round(Number(bytes) || 0));
        let unit = 0;
        while (value >= SizeStep && unit < SizeUnits.length - 1) {
            value /= SizeStep;
            unit += 1;
        }
        let digits = unit === 0 || value >= SizeWholeFrom ? 0 : 1;
        // 1023.97 KiB would round to "1024 KiB": the next unit instead.
        if (unit < SizeUnits.length - 1 && Number(value.toFixed(digits)) >= SizeStep) {
            value /= SizeStep;
            unit += 1;
            digits = 1;
        }
        return new Intl.NumberFormat(formatLocales, {
            minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false })
            .format(value) + ' ' + SizeUnits[unit];
    }

    // More texts from another script of the page (calls.js keeps its own beside its code).
    function extend(language, entries) {
        if (catalogs[language])
            Object.assign(catalogs[language], entries);
    }

    window.ConfabI18n = { locale, formatLocales, formatSize, t, tn, translateDocument, extend };
})();
