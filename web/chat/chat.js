/*
 * Starts Microsoft's Web Chat on the resident chat page.
 *
 * - A new chat asks this server for a token (POST /api/webchat/token). The answer says where Direct Line is: this
 *   server's own (/v3/directline) on the embedded default, or Azure Bot Service when the council has set it up.
 * - The token and conversation id are kept in sessionStorage (this tab only), so reloading the page reconnects to
 *   the same conversation and replays it. The token is refreshed every 10 minutes while the page is open.
 * - "Start again" forgets the conversation and starts a new one.
 * - ?transport=polling turns WebSocket off (Web Chat then polls), for networks that block WebSockets and for tests.
 */
/* global WebChat */
(function () {
  'use strict';

  var STORAGE_KEY = 'communityHub.webChat.v1';
  var REFRESH_EVERY_MS = 10 * 60 * 1000;
  // directlinejs's ConnectionStatus values.
  var ONLINE = 2;
  var EXPIRED_TOKEN = 3;
  var FAILED_TO_CONNECT = 4;
  var ENDED = 5;

  var nonce = document.currentScript ? document.currentScript.nonce : undefined;
  var host = document.getElementById('webchat');
  var status = document.getElementById('chat-status');
  var startAgain = document.getElementById('start-again');
  var heading = document.getElementById('chat-heading');
  var hubPhone = host.getAttribute('data-hub-phone');
  var webSocket = new URLSearchParams(window.location.search).get('transport') !== 'polling';

  var current = null; // { directLine, element, refreshTimer, subscription }

  // GOV.UK-like colours and sizes; every colour pair here meets WCAG 2.2 AA contrast.
  var styleOptions = {
    primaryFont: 'Arial, "Helvetica Neue", Helvetica, sans-serif',
    accent: '#1d70b8',
    subtle: '#505a5f',
    timestampColor: '#505a5f',
    paddingRegular: 10,
    bubbleBackground: '#f3f2f1',
    bubbleBorderColor: '#b1b4b6',
    bubbleBorderRadius: 0,
    bubbleTextColor: '#0b0c0c',
    bubbleFromUserBackground: '#1d70b8',
    bubbleFromUserBorderColor: '#1d70b8',
    bubbleFromUserBorderRadius: 0,
    bubbleFromUserTextColor: '#ffffff',
    bubbleMinHeight: 44,
    bubbleMaxWidth: 600,
    suggestedActionLayout: 'flow',
    suggestedActionHeight: 48,
    suggestedActionBorderRadius: 0,
    suggestedActionBorderWidth: 2,
    suggestedActionBorderColor: '#1d70b8',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionTextColor: '#0b0c0c',
    suggestedActionBackgroundColorOnHover: '#f3f2f1',
    suggestedActionKeyboardFocusIndicatorBorderColor: '#0b0c0c',
    suggestedActionKeyboardFocusIndicatorBorderStyle: 'solid',
    suggestedActionKeyboardFocusIndicatorBorderWidth: 2,
    suggestedActionsVisualKeyboardIndicatorColor: '#0b0c0c',
    suggestedActionsVisualKeyboardIndicatorWidth: 3,
    sendBoxHeight: 56,
    sendBoxTextWrap: true,
    sendBoxBorderTop: 'solid 2px #0b0c0c',
    sendBoxButtonColor: '#1d70b8',
    sendBoxButtonKeyboardFocusIndicatorBorderColor: '#0b0c0c',
    sendBoxButtonKeyboardFocusIndicatorBorderWidth: 2,
    sendBoxPlaceholderColor: '#505a5f',
    transcriptVisualKeyboardIndicatorColor: '#0b0c0c',
    transcriptVisualKeyboardIndicatorWidth: 3,
    transcriptActivityVisualKeyboardIndicatorColor: '#0b0c0c',
    transcriptActivityVisualKeyboardIndicatorStyle: 'solid',
    transcriptActivityVisualKeyboardIndicatorWidth: 2,
    notificationText: '#505a5f',
    hideUploadButton: true,
    hideTelephoneKeypadButton: true
  };

  // The summary card: the page's font and sizes, so the answers are as easy to read as the messages around them.
  var adaptiveCardsHostConfig = {
    fontFamily: styleOptions.primaryFont,
    fontSizes: { small: 16, default: 19, medium: 21, large: 24, extraLarge: 27 },
    supportsInteractivity: false,
    containerStyles: {
      default: { foregroundColors: { default: { default: '#0b0c0c', subtle: '#505a5f' } } }
    },
    factSet: {
      title: { color: 'default', size: 'default', weight: 'bolder', wrap: true, maxWidth: 200 },
      value: { color: 'default', size: 'default', weight: 'default', wrap: true },
      spacing: 8
    }
  };

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle('chat__status--error', Boolean(isError));
  }

  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || 'null');
      return saved && typeof saved.token === 'string' && typeof saved.conversationId === 'string' ? saved : null;
    } catch (e) {
      return null;
    }
  }

  function save(session) {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    } catch (e) {
      // Private browsing can refuse storage: the chat still works, it just will not survive a reload.
    }
  }

  function forget() {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      // nothing to forget
    }
  }

  function absolute(domain) {
    return new URL(domain, window.location.href).toString().replace(/\/$/, '');
  }

  function postJson(url, token) {
    var headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(url, { method: 'POST', headers: headers, credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }

  function newSession() {
    return postJson('/api/webchat/token').then(function (answer) {
      return { mode: answer.mode, domain: answer.domain, conversationId: answer.conversationId, token: answer.token, started: false };
    });
  }

  /** A fresh token for a saved conversation, or null when it can no longer be resumed. */
  function refreshed(session) {
    return postJson(absolute(session.domain) + '/tokens/refresh', session.token).then(
      function (answer) {
        return Object.assign({}, session, { token: answer.token });
      },
      function () {
        return null;
      }
    );
  }

  function stop() {
    if (!current) return;
    clearInterval(current.refreshTimer);
    if (current.subscription) current.subscription.unsubscribe();
    current.directLine.end();
    if (window.ReactDOM && window.ReactDOM.unmountComponentAtNode) window.ReactDOM.unmountComponentAtNode(current.element);
    current.element.remove();
    current = null;
  }

  function render(session, resuming, onlineMessage) {
    var element = document.createElement('div');
    element.style.height = '100%';
    host.appendChild(element);
    var options = { domain: absolute(session.domain), token: session.token, webSocket: webSocket };
    // With the conversation id, Direct Line reconnects (GET /conversations/:id) and replays the conversation.
    if (resuming) options.conversationId = session.conversationId;
    var directLine = WebChat.createDirectLine(options);
    var self = { directLine: directLine, element: element, refreshTimer: 0, subscription: null };
    current = self;

    self.subscription = directLine.connectionStatus$.subscribe(function (connection) {
      if (current !== self) return;
      if (connection === ONLINE) {
        if (!session.started) {
          session.started = true;
          save(session);
        }
        say(onlineMessage || '');
        onlineMessage = '';
        startAgain.hidden = false;
      } else if (resuming && (connection === FAILED_TO_CONNECT || connection === ENDED)) {
        // The saved conversation has gone (or expired while the page was closed): begin a new one.
        stop();
        forget();
        begin(true);
      } else if (connection === EXPIRED_TOKEN || connection === FAILED_TO_CONNECT || connection === ENDED) {
        say('The chat has lost its connection. Choose “Start again”, or call the hub on ' + hubPhone + '.', true);
        startAgain.hidden = false;
      }
    });

    // Keep the saved token fresh, so a reload after a long pause still resumes the conversation.
    self.refreshTimer = setInterval(function () {
      refreshed(session).then(function (next) {
        if (next && current === self) {
          session.token = next.token;
          save(session);
        }
      });
    }, REFRESH_EVERY_MS);

    WebChat.renderWebChat(
      {
        directLine: directLine,
        locale: 'en-GB',
        nonce: nonce,
        styleOptions: styleOptions,
        adaptiveCardsHostConfig: adaptiveCardsHostConfig
      },
      element
    );
  }

  function begin(fresh, onlineMessage) {
    say('Connecting…');
    var saved = fresh ? null : load();
    var resume = saved && saved.started ? refreshed(saved) : Promise.resolve(null);
    return resume
      .then(function (session) {
        if (session) {
          save(session);
          return render(session, true, onlineMessage);
        }
        return newSession().then(function (session) {
          save(session);
          render(session, false, onlineMessage);
        });
      })
      .catch(function () {
        say('Sorry, the chat is not available at the moment. Please call the hub on ' + hubPhone + '.', true);
      });
  }

  startAgain.addEventListener('click', function () {
    stop();
    forget();
    heading.focus();
    begin(true, 'A new conversation has started.');
  });

  begin(false);
})();
