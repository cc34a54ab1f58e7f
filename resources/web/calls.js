// Calls in the web client (docs/protocol.md, "Calls"): the Call and Video call buttons, the
// incoming-call banner, the in-call view, and WebRTC with the "perfect negotiation" pattern. The
// hub only relays signals between the two parties' own streams; media goes peer to peer.
// app.js owns the session and the one event stream and hands them over through ConfabCalls.init
// and attachStream; everything about calls lives here. Remote names reach the page through
// textContent only.
'use strict';

(function () {
    const { t, extend } = window.ConfabI18n;

    extend('en', {
        callAudio: 'Call',
        callVideo: 'Video call',
        callAudioName: 'Call {name}',
        callVideoName: 'Video call {name}',
        callAccept: 'Accept',
        callDecline: 'Decline',
        callIncomingAudio: '{name} is calling you',
        callIncomingVideo: '{name} is calling you (video)',
        callCalling: 'Calling {name}…',
        callConnecting: 'Connecting…',
        callWith: 'In a call with {name}',
        callMute: 'Mute',
        callUnmute: 'Unmute',
        callCameraOff: 'Camera off',
        callCameraOn: 'Camera on',
        callHangUp: 'Hang up',
        callEndedHangup: 'The call ended.',
        callEndedDeclined: '{name} declined the call.',
        callEndedMissed: '{name} did not answer.',
        callEndedCancelled: 'The call was cancelled.',
        callEndedPeerGone: 'The connection to {name} was lost; the call ended.',
        callAnsweredElsewhere: 'Answered on another device.',
        callBusy: '{name} is in another call.',
        callSelfBusy: 'You are already in a call.',
        callRateLimited: 'You have called {name} several times in a minute; wait a little.',
        callFailed: 'The call could not be started ({code}).',
        callNoDevices: 'No camera or microphone could be opened: {reason}',
        callInsecure: 'Calls need a secure connection: the browser gives camera and microphone only to pages opened over https:// or on this computer (localhost). Open {url} instead.',
        callHandoffFailed: 'This call link has expired or was already used. Sign in to call.',
        callSummaryMissedAudio: 'Missed call',
        callSummaryMissedVideo: 'Missed video call',
        callSummaryDeclinedAudio: 'Declined call',
        callSummaryDeclinedVideo: 'Declined video call',
        callSummaryAudio: 'Call, {length}',
        callSummaryVideo: 'Video call, {length}',
        callSeconds: '{n} s',
        callMinutes: '{n} min',
    });
    extend('zh-CN', {
        callAudio: '语音通话',
        callVideo: '视频通话',
        callAudioName: '与 {name} 语音通话',
        callVideoName: '与 {name} 视频通话',
        callAccept: '接听',
        callDecline: '拒绝',
        callIncomingAudio: '{name} 正在呼叫你',
        callIncomingVideo: '{name} 正在呼叫你（视频）',
        callCalling: '正在呼叫 {name}…',
        callConnecting: '正在连接…',
        callWith: '正在与 {name} 通话',
        callMute: '静音',
        callUnmute: '取消静音',
        callCameraOff: '关闭摄像头',
        callCameraOn: '打开摄像头',
        callHangUp: '挂断',
        callEndedHangup: '通话已结束。',
        callEndedDeclined: '{name} 拒绝了通话。',
        callEndedMissed: '{name} 未接听。',
        callEndedCancelled: '通话已取消。',
        callEndedPeerGone: '与 {name} 的连接已断开，通话结束。',
        callAnsweredElsewhere: '已在其他设备上接听。',
        callBusy: '{name} 正在另一个通话中。',
        callSelfBusy: '你已在通话中。',
        callRateLimited: '你在一分钟内已多次呼叫 {name}，请稍后再试。',
        callFailed: '无法发起通话（{code}）。',
        callNoDevices: '无法打开摄像头或麦克风：{reason}',
        callInsecure: '通话需要安全连接：浏览器只允许通过 https:// 或在本机（localhost）打开的页面使用摄像头和麦克风。请改为打开 {url}。',
        callHandoffFailed: '此通话链接已过期或已被使用。请登录后再呼叫。',
        callSummaryMissedAudio: '未接来电',
        callSummaryMissedVideo: '未接视频通话',
        callSummaryDeclinedAudio: '已拒绝的通话',
        callSummaryDeclinedVideo: '已拒绝的视频通话',
        callSummaryAudio: '语音通话，{length}',
        callSummaryVideo: '视频通话，{length}',
        callSeconds: '{n} 秒',
        callMinutes: '{n} 分钟',
    });

    const RingToneMs = 2000;            // one ring, then silence for the rest of the cycle
    const RingCycleMs = 4000;
    const DurationTickMs = 1000;
    const HandoffKeys = ['handoff', 'call', 'action', 'callee', 'media'];
    const $ = (id) => document.getElementById(id);

    // The device this tab is (docs: "a random id each client tab or window makes for itself").
    const device = 'd_' + Array.from(crypto.getRandomValues(new Uint8Array(9)),
        (b) => b.toString(16).padStart(2, '0')).join('');

    let app = null;             // the bridge from app.js (init)
    let iceServers = null;      // from GET /api/v2/calls/config, loaded once per session
    let incoming = null;        // the call ringing on this page (banner shown)
    let current = null;         // the call this device is in (see newCurrent)
    let ring = null;            // the ringing sound while it plays
    let shownConversation = null;
    let liveWaiters = [];       // resolved when the stream is open (a hand-off waits for it)
    let live = false;

    // ---- helpers ------------------------------------------------------------------------------

    function me() {
        const session = app && app.session();
        return session ? session.member : null;
    }

    function otherOf(call) {
        const self = me();
        return self && call.caller.id === self.id ? call.callee : call.caller;
    }

    function secureContextUrl() {
        return 'https://' + location.host + '/';
    }

    function mediaAvailable() {
        return window.isSecureContext && navigator.mediaDevices
            && typeof navigator.mediaDevices.getUserMedia === 'function';
    }

    function explainInsecure() {
        const text = t('callInsecure', { url: secureContextUrl() });
        $('call-insecure').textContent = text;
        $('call-insecure').hidden = false;
        app.showToast(text);
    }

    async function loadIceServers() {
        if (iceServers)
            return iceServers;
        try {
            const result = await app.api('GET', '/calls/config');
            if (result.status === 200 && result.json && Array.isArray(result.json.iceServers))
                iceServers = result.json.iceServers;
        } catch (e) {
            // Host candidates need no server on one LAN.
        }
        return iceServers || [];
    }

    async function openMedia(media) {
        return navigator.mediaDevices.getUserMedia({ audio: true, video: media === 'video' });
    }

    // ---- the ringing sound --------------------------------------------------------------------

    // Two tones every few seconds, where the browser lets the page play sound (it may not before
    // the person has touched the page: then the banner alone rings).
    function startRinging() {
        stopRinging();
        const AudioContextClass = window.AudioContext || window.webkitAudioContext;
        if (!AudioContextClass)
            return;
        let context;
        try {
            context = new AudioContextClass();
        } catch (e) {
            return;
        }
        const beep = () => {
            if (context.state === 'suspended')
                context.resume().catch(() => {});
            const now = context.currentTime;
            const gain = context.createGain();
            gain.gain.setValueAtTime(0.0001, now);
            gain.gain.exponentialRampToValueAtTime(0.2, now + 0.05);
            gain.gain.setValueAtTime(0.2, now + RingToneMs / 1000 - 0.1);
            gain.gain.exponentialRampToValueAtTime(0.0001, now + RingToneMs / 1000);
            gain.connect(context.destination);
            for (const frequency of [440, 480]) {
                const oscillator = context.createOscillator();
                oscillator.frequency.value = frequency;
                oscillator.connect(gain);
                oscillator.start(now);
                oscillator.stop(now + RingToneMs / 1000);
            }
        };
        beep();
        ring = { context, timer: setInterval(beep, RingCycleMs) };
    }

    function stopRinging() {
        if (!ring)
            return;
        clearInterval(ring.timer);
        ring.context.close().catch(() => {});
        ring = null;
    }

    // ---- the incoming-call banner -------------------------------------------------------------

    function showIncoming(call) {
        incoming = call;
        const name = String(call.caller.name || '?');
        $('call-banner-text').textContent = t(call.media === 'video' ? 'callIncomingVideo'
            : 'callIncomingAudio', { name });
        $('call-banner').dataset.call = call.id;
        $('call-banner').hidden = false;
        if (!mediaAvailable())
            $('call-insecure').textContent = t('callInsecure', { url: secureContextUrl() });
        $('call-insecure').hidden = mediaAvailable();
        startRinging();
    }

    function hideIncoming(callId) {
        if (!incoming || (callId && incoming.id !== callId))
            return;
        incoming = null;
        $('call-banner').hidden = true;
        delete $('call-banner').dataset.call;
        stopRinging();
    }

    // ---- placing, answering, ending -----------------------------------------------------------

    async function placeCall(member, media) {
        if (current) {
            app.showToast(t('callSelfBusy'));
            return;
        }
        if (!mediaAvailable()) {
            explainInsecure();
            return;
        }
        loadIceServers(); // meanwhile: the peer connection needs them once answered
        let stream;
        try {
            stream = await openMedia(media);
        } catch (e) {
            app.showToast(t('callNoDevices', { reason: String(e && e.message || e) }));
            return;
        }
        let result;
        try {
            result = await app.api('POST', '/calls', { callee: member.id, media, device });
        } catch (e) {
            result = null;
        }
        if (result && result.status === 201 && result.json && result.json.call) {
            current = newCurrent(result.json.call, stream);
            showCallView();
            return;
        }
        const code = result && result.json && result.json.error ? result.json.error.code : '';
        const glare = result && result.status === 409 && result.json && result.json.call;
        const self = me();
        if (glare && self && glare.caller.id === member.id && glare.callee.id === self.id) {
            // They are calling us at this very moment: both want to talk, so take their call.
            hideIncoming(glare.id);
            await acceptCall(glare, stream);
            return;
        }
        stopTracks(stream);
        const name = String(member.name || '?');
        if (code === 'busy')
            app.showToast(t('callBusy', { name })); // not us: `current` was checked above
        else if (code === 'rate_limited')
            app.showToast(t('callRateLimited', { name }));
        else
            app.showToast(t('callFailed', { code: code || (result ? result.status : '?') }));
    }

    async function acceptCall(call, stream) {
        hideIncoming(call.id);
        if (current)
            return;
        if (!mediaAvailable()) {
            explainInsecure();
            return;
        }
        if (!stream) {
            try {
                stream = await openMedia(call.media);
            } catch (e) {
                app.showToast(t('callNoDevices', { reason: String(e && e.message || e) }));
                return;
            }
        }
        // The peer connection exists before the hub hears the accept: the caller's offer may
        // come over the stream before the answer to this request does.
        current = newCurrent(call, stream);
        current.answeredHere = true;
        await createPeer();
        showCallView();
        let result;
        try {
            result = await app.api('POST', '/calls/' + encodeURIComponent(call.id) + '/accept',
                { device });
        } catch (e) {
            result = null;
        }
        if (!result || result.status !== 200) {
            const code = result && result.json && result.json.error ? result.json.error.code : '';
            teardown(code === 'already_answered' ? t('callAnsweredElsewhere')
                : t('callFailed', { code: code || (result ? result.status : '?') }));
            return;
        }
        if (current && current.call.id === call.id) {
            current.call = result.json.call;
            startClock(Date.now());
        }
    }

    async function declineCall(call) {
        hideIncoming(call.id);
        try {
            await app.api('POST', '/calls/' + encodeURIComponent(call.id) + '/decline');
        } catch (e) {
            // It rings out by itself.
        }
    }

    async function hangUp() {
        if (!current)
            return;
        const id = current.call.id;
        teardown(t('callEndedHangup'));
        try {
            await app.api('POST', '/calls/' + encodeURIComponent(id) + '/hangup');
        } catch (e) {
            // The hub ends it when this page's stream goes away.
        }
    }

    // ---- the call this device is in -----------------------------------------------------------

    function newCurrent(call, stream) {
        const self = me();
        const other = otherOf(call);
        return {
            call,
            local: stream,
            pc: null,
            // The member whose id sorts lower is polite: it yields when both offer at once.
            polite: self.id < other.id,
            makingOffer: false,
            ignoreOffer: false,
            settingAnswer: false,
            tracksAdded: false,
            sendBarrier: Promise.resolve(), // the last description sent (see sendSignal)
            sendInFlight: [],               // candidates sent since that description
            receiveChain: Promise.resolve(),
            clock: null,
            connectedAt: 0,
        };
    }

    function isCaller() {
        const self = me();
        return current && self && current.call.caller.id === self.id;
    }

    function peerDevice() {
        return isCaller() ? current.call.calleeDevice : current.call.callerDevice;
    }

    function addLocalTracks() {
        if (!current || current.tracksAdded)
            return;
        current.tracksAdded = true;
        for (const track of current.local.getTracks())
            current.pc.addTrack(track, current.local);
    }

    // The other side needs a description before the candidates that follow it, so an offer or
    // answer is sent after everything before it, and a candidate after the last description
    // before it; but candidates do not wait for each other (they may arrive in any order): a burst
    // of a dozen, sent one reply after another, would reach the other side a dozen round trips
    // late when the hub is busy.
    function sendSignal(payload) {
        const call = current;
        const post = async () => {
            try {
                await app.api('POST', '/calls/' + encodeURIComponent(call.call.id) + '/signal',
                    { device, ...payload });
            } catch (e) {
                // A lost signal shows as a call that does not connect; hang-up is always there.
            }
        };
        if (payload.description) {
            const before = Promise.all([call.sendBarrier, ...call.sendInFlight]);
            call.sendInFlight = [];
            call.sendBarrier = before.then(post);
            return call.sendBarrier;
        }
        const sent = call.sendBarrier.then(post);
        call.sendInFlight.push(sent);
        return sent;
    }

    async function createPeer() {
        const servers = await loadIceServers();
        const call = current;
        if (!call || call.pc)
            return;
        const pc = new RTCPeerConnection({ iceServers: servers });
        call.pc = pc;
        pc.onicecandidate = ({ candidate }) => {
            if (candidate && current === call)
                sendSignal({ candidate: candidate.toJSON() });
        };
        // Perfect negotiation: whoever needs a new offer makes one, at any time.
        pc.onnegotiationneeded = async () => {
            try {
                call.makingOffer = true;
                await pc.setLocalDescription();
                if (current === call)
                    sendSignal({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
            } catch (e) {
                // A collision rolled it back; the other side's offer wins or ours goes again.
            } finally {
                call.makingOffer = false;
            }
        };
        pc.ontrack = ({ track, streams }) => {
            const remote = $('call-remote');
            const stream = streams && streams[0] ? streams[0] : new MediaStream([track]);
            if (remote.srcObject !== stream)
                remote.srcObject = stream;
            remote.play().catch(() => {});
        };
        pc.onconnectionstatechange = () => {
            if (current !== call)
                return;
            if (pc.connectionState === 'connected' && !call.connectedAt) {
                call.connectedAt = Date.now();
                renderCallState();
            }
        };
    }

    // One signal after another: a candidate must not overtake the offer it belongs to while that
    // is still being applied.
    function onSignal(data) {
        const call = current;
        if (!call || String(data.call) !== call.call.id)
            return;
        call.receiveChain = call.receiveChain.then(() => applySignal(call, data));
    }

    async function applySignal(call, data) {
        if (current !== call || !call.pc)
            return;
        // Only the other party's device in the call, and only when this device is ours in it.
        const mine = isCaller() ? call.call.callerDevice : call.call.calleeDevice;
        if (mine !== device || String(data.device) !== peerDevice())
            return;
        const pc = call.pc;
        try {
            if (data.description) {
                const description = data.description;
                const readyForOffer = !call.makingOffer
                    && (pc.signalingState === 'stable' || call.settingAnswer);
                const collision = description.type === 'offer' && !readyForOffer;
                call.ignoreOffer = !call.polite && collision;
                if (call.ignoreOffer)
                    return;
                call.settingAnswer = description.type === 'answer';
                await pc.setRemoteDescription(description); // a polite collision rolls back
                call.settingAnswer = false;
                if (description.type === 'offer') {
                    // The callee's tracks join in its answer to the first offer (one round trip).
                    addLocalTracks();
                    await pc.setLocalDescription();
                    sendSignal({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
                }
            } else if (data.candidate) {
                try {
                    await pc.addIceCandidate(data.candidate);
                } catch (e) {
                    if (!call.ignoreOffer)
                        throw e;
                }
            }
        } catch (e) {
            console.warn('call signal', e);
        }
    }

    function stopTracks(stream) {
        if (stream)
            for (const track of stream.getTracks())
                track.stop();
    }

    // Ends this device's part (the hub was told, or told us).
    function teardown(message) {
        const call = current;
        current = null;
        if (call) {
            clearInterval(call.clock);
            if (call.pc)
                call.pc.close();
            stopTracks(call.local);
        }
        $('call-remote').srcObject = null;
        $('call-local').srcObject = null;
        $('call-view').hidden = true;
        document.body.classList.remove('in-call');
        if (message)
            app.showToast(message);
    }

    // ---- the in-call view ---------------------------------------------------------------------

    function showCallView() {
        const call = current;
        $('call-local').srcObject = call.local;
        $('call-local').play().catch(() => {});
        $('call-view').dataset.media = call.call.media;
        $('call-view').hidden = false;
        document.body.classList.add('in-call');
        renderCallState();
        renderControls();
    }

    function startClock(since) {
        if (!current || current.clock)
            return;
        current.answeredAt = since;
        current.clock = setInterval(renderCallState, DurationTickMs);
        renderCallState();
    }

    function renderCallState() {
        if (!current)
            return;
        const name = String(otherOf(current.call).name || '?');
        $('call-peer').textContent = name;
        let status;
        if (current.call.state === 'ringing' && !current.answeredHere)
            status = t('callCalling', { name });
        else if (!current.connectedAt)
            status = t('callConnecting');
        else
            status = t('callWith', { name });
        $('call-status').textContent = status;
        const seconds = current.answeredAt ? Math.max(0, Math.floor((Date.now() - current.answeredAt) / 1000)) : 0;
        $('call-duration').textContent = current.answeredAt
            ? Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0') : '';
    }

    function renderControls() {
        if (!current)
            return;
        const audio = current.local.getAudioTracks()[0];
        const video = current.local.getVideoTracks()[0];
        const muted = audio ? !audio.enabled : true;
        $('call-mute').textContent = t(muted ? 'callUnmute' : 'callMute');
        $('call-mute').setAttribute('aria-pressed', String(muted));
        const cameraOn = Boolean(video && video.enabled);
        $('call-camera').textContent = t(cameraOn ? 'callCameraOff' : 'callCameraOn');
        $('call-camera').setAttribute('aria-pressed', String(!cameraOn));
        $('call-view').dataset.camera = cameraOn ? 'on' : 'off';
    }

    function toggleMute() {
        if (!current)
            return;
        for (const track of current.local.getAudioTracks())
            track.enabled = !track.enabled;
        renderControls();
    }

    // Off and on again: the track stays (no renegotiation). In an audio call, turning the camera
    // on adds a video track: a renegotiation, which perfect negotiation carries either way.
    async function toggleCamera() {
        if (!current)
            return;
        const call = current;
        const video = call.local.getVideoTracks()[0];
        if (video) {
            video.enabled = !video.enabled;
            renderControls();
            return;
        }
        let stream;
        try {
            stream = await navigator.mediaDevices.getUserMedia({ video: true });
        } catch (e) {
            app.showToast(t('callNoDevices', { reason: String(e && e.message || e) }));
            return;
        }
        if (current !== call) {
            stopTracks(stream);
            return;
        }
        const track = stream.getVideoTracks()[0];
        call.local.addTrack(track);
        if (call.pc && call.tracksAdded)
            call.pc.addTrack(track, call.local);
        $('call-view').dataset.media = 'video';
        renderControls();
    }

    // ---- stream events ------------------------------------------------------------------------

    function onRinging(data) {
        const call = data.call;
        const self = me();
        if (!call || !self)
            return;
        if (call.callee.id === self.id && !current && (!incoming || incoming.id !== call.id))
            showIncoming(call);
    }

    async function onAccepted(data) {
        const call = data.call;
        const self = me();
        if (!call || !self)
            return;
        if (call.callee.id === self.id && call.calleeDevice !== device) {
            hideIncoming(call.id); // answered on another device of ours
            return;
        }
        if (!current || current.call.id !== call.id)
            return;
        current.call = call;
        if (isCaller() && call.callerDevice === device) {
            startClock(Date.now());
            await createPeer();
            addLocalTracks(); // negotiationneeded: the first offer
            renderCallState();
        }
    }

    function onEnded(data) {
        const call = data.call;
        if (!call)
            return;
        hideIncoming(call.id);
        if (!current || current.call.id !== call.id)
            return;
        const name = String(otherOf(call).name || '?');
        const messages = {
            declined: 'callEndedDeclined', missed: 'callEndedMissed', cancelled: 'callEndedCancelled',
            peer_gone: 'callEndedPeerGone',
        };
        teardown(t(messages[data.reason] || 'callEndedHangup', { name }));
    }

    function attachStream(source, isCurrent) {
        live = false;
        const handlers = {
            call_ringing: onRinging, call_accepted: onAccepted, call_signal: onSignal,
            call_ended: onEnded,
        };
        for (const [type, handler] of Object.entries(handlers)) {
            source.addEventListener(type, (event) => {
                if (!isCurrent())
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
        source.addEventListener('open', () => {
            if (!isCurrent())
                return;
            live = true;
            const waiting = liveWaiters;
            liveWaiters = [];
            for (const resolve of waiting)
                resolve();
            checkRinging();
        });
    }

    function whenLive() {
        return live ? Promise.resolve() : new Promise((resolve) => liveWaiters.push(resolve));
    }

    // A page opened while a call rings for us (a new tab, a reload) rings too.
    async function checkRinging() {
        let result;
        try {
            result = await app.api('GET', '/calls');
        } catch (e) {
            return;
        }
        if (!result || result.status !== 200 || !result.json || !Array.isArray(result.json.calls))
            return;
        for (const call of result.json.calls) {
            if (call.state === 'ringing')
                onRinging({ call });
        }
    }

    // ---- buttons ------------------------------------------------------------------------------

    function callButton(member, media, compact) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'ghost call-button';
        button.dataset.callMedia = media;
        button.dataset.member = member.id;
        const label = t(media === 'video' ? 'callVideoName' : 'callAudioName', { name: String(member.name) });
        button.title = label;
        button.setAttribute('aria-label', label);
        // A sign, and (in a DM's header, where there is room) the word; a phone shows the sign
        // only (the stylesheet), the whole label being the button's accessible name and tooltip.
        const icon = document.createElement('span');
        icon.className = 'call-icon';
        icon.setAttribute('aria-hidden', 'true');
        icon.textContent = media === 'video' ? '🎥' : '📞';
        button.append(icon);
        if (!compact) {
            const word = document.createElement('span');
            word.className = 'call-label';
            word.textContent = t(media === 'video' ? 'callVideo' : 'callAudio');
            button.append(word);
        }
        button.addEventListener('click', (event) => {
            event.stopPropagation();
            placeCall({ id: member.id, name: member.name }, media);
        });
        return button;
    }

    // Buttons for a row of the member list (none for oneself).
    function memberActions(member) {
        if (member.mine)
            return [];
        return [callButton(member, 'audio', true), callButton(member, 'video', true)];
    }

    function conversationShown(conversation) {
        shownConversation = conversation;
        const box = $('call-actions');
        box.replaceChildren();
        const other = conversation && conversation.kind === 'dm' ? conversation.with : null;
        box.hidden = !other;
        if (other)
            box.append(callButton(other, 'audio', false), callButton(other, 'video', false));
    }

    // The DM summary of a call in this page's language.
    function summaryText(call) {
        const video = call.media === 'video';
        if (call.outcome === 'missed')
            return t(video ? 'callSummaryMissedVideo' : 'callSummaryMissedAudio');
        if (call.outcome === 'declined')
            return t(video ? 'callSummaryDeclinedVideo' : 'callSummaryDeclinedAudio');
        const seconds = Number(call.duration) || 0;
        const length = seconds < 60 ? t('callSeconds', { n: seconds })
            : t('callMinutes', { n: Math.round(seconds / 60) });
        return t(video ? 'callSummaryVideo' : 'callSummaryAudio', { length });
    }

    // ---- hand-off from the desktop window -----------------------------------------------------

    // `#handoff=CODE&call=ID&action=accept|start&callee=m_…&media=video`: read and removed from
    // the address bar at once, so that a reload or a shared address does not carry the code.
    function takeHandoff() {
        const hash = location.hash.startsWith('#') ? location.hash.slice(1) : '';
        const params = new URLSearchParams(hash);
        if (!params.get('handoff'))
            return null;
        const handoff = {};
        for (const key of HandoffKeys)
            handoff[key] = params.get(key) || '';
        history.replaceState(null, '', location.pathname + location.search);
        return handoff;
    }

    // Exchanges the code for a session of the same member: {token, member, hubInstance}, or null.
    async function redeemHandoff(handoff) {
        let result;
        try {
            result = await app.api('POST', '/session/handoff/redeem', { code: handoff.handoff });
        } catch (e) {
            return null;
        }
        if (!result || result.status !== 201 || !result.json || !result.json.token || !result.json.member)
            return null;
        return result.json;
    }

    async function runHandoff(handoff) {
        await whenLive();
        if (handoff.action === 'accept' && handoff.call) {
            let result;
            try {
                result = await app.api('GET', '/calls');
            } catch (e) {
                result = null;
            }
            const calls = result && result.json && Array.isArray(result.json.calls) ? result.json.calls : [];
            const call = calls.find((c) => c.id === handoff.call);
            if (call && call.state === 'ringing')
                await acceptCall(call);
            else
                app.showToast(t('callEndedCancelled'));
        } else if (handoff.action === 'start' && handoff.callee) {
            const member = app.members().get(handoff.callee) || { id: handoff.callee, name: '' };
            await placeCall({ id: member.id, name: member.name || '?' },
                handoff.media === 'audio' ? 'audio' : 'video');
        }
    }

    // ---- wiring -------------------------------------------------------------------------------

    function init(bridge) {
        app = bridge;
        $('call-accept').addEventListener('click', () => {
            if (incoming)
                acceptCall(incoming);
        });
        $('call-decline').addEventListener('click', () => {
            if (incoming)
                declineCall(incoming);
        });
        $('call-hangup').addEventListener('click', hangUp);
        $('call-mute').addEventListener('click', toggleMute);
        $('call-camera').addEventListener('click', toggleCamera);
        window.addEventListener('pagehide', () => {
            // Closing the tab mid-call: tell the hub at once rather than after the grace.
            if (current && app.session())
                fetch('/api/v2/calls/' + encodeURIComponent(current.call.id) + '/hangup', {
                    method: 'POST', keepalive: true,
                    headers: { Authorization: 'Bearer ' + app.session().token },
                }).catch(() => {});
        });
    }

    // The session ended (left, signed out): nothing of a call may outlive it.
    function sessionEnded() {
        hideIncoming(null);
        teardown('');
        iceServers = null;
        live = false;
    }

    window.ConfabCalls = {
        init, attachStream, memberActions, conversationShown, summaryText, takeHandoff,
        redeemHandoff, runHandoff, sessionEnded, device,
        // For the browser tests: what this page is doing.
        state: () => ({ incoming: incoming ? incoming.id : null, current: current ? current.call.id : null,
            connectedAt: current ? current.connectedAt : 0, shown: shownConversation ? shownConversation.id : null }),
    };
})();
