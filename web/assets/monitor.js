// The monitor page: lists the live streams of this server (GET
// /api/streams) and plays one in the page, as LL-HLS (the browser's own
// HLS where it has one, hls.js otherwise) or as low-latency DASH
// (dash.js). Nothing here ever puts a key in a URL: a key given once as
// ?key= lives in a cookie that the server set.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var video = $('video');
  var current = null; // {name, via, url, stop}
  var errors = [];

  function fmtRate(bits) {
    if (!bits) return '';
    return bits >= 1e6 ? (bits / 1e6).toFixed(1) + ' Mb/s' : Math.round(bits / 1e3) + ' kb/s';
  }
  function describe(s) {
    var parts = [];
    if (s.video) parts.push(s.video.codec + ' ' + s.video.width + '×' + s.video.height + (s.video.fps ? ' ' + s.video.fps.toFixed(s.video.fps % 1 ? 2 : 0) + ' fps' : ''));
    if (s.audio) parts.push(s.audio.codec + ' ' + (s.audio.sample_rate / 1000) + ' kHz');
    var r = fmtRate(s.bitrate_in);
    if (r) parts.push(r);
    return parts.join(' · ');
  }
  function hlsURL(name) { return '/' + name + '/index.m3u8'; }
  function dashURL(name) { return '/' + name + '/manifest.mpd'; }

  function render(streams) {
    var list = $('streams');
    var live = streams.filter(function (s) { return s.live; });
    $('empty').hidden = live.length > 0;
    list.replaceChildren.apply(list, live.map(function (s) {
      var li = document.createElement('li');
      li.dataset.name = s.name;
      var name = document.createElement('div');
      name.className = 'name'; name.textContent = s.name;
      var meta = document.createElement('div');
      meta.className = 'meta'; meta.textContent = describe(s);
      var actions = document.createElement('div');
      actions.className = 'actions';
      [['HLS', 'hls'], ['DASH', 'dash']].forEach(function (b, i) {
        var btn = document.createElement('button');
        btn.type = 'button'; btn.textContent = 'Play ' + b[0]; btn.dataset.via = b[1];
        if (i === 0) btn.className = 'primary';
        btn.addEventListener('click', function () { play(s.name, b[1]); });
        actions.appendChild(btn);
      });
      li.append(name, meta, actions);
      return li;
    }));
  }

  function refresh() {
    fetch('/api/streams', { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      if (r.status === 403) throw new Error('This server needs its play key: open the link from the studio (scan its QR code) once on this device.');
      if (!r.ok) throw new Error('The server answered ' + r.status);
      return r.json();
    }).then(function (st) {
      var streams = st.streams || [];
      render(streams);
      var n = streams.filter(function (s) { return s.live; }).length;
      $('status').textContent = n + (n === 1 ? ' live stream' : ' live streams');
      document.body.dataset.streams = String(n);
    }).catch(function (e) {
      $('status').textContent = e.message;
    });
  }

  function fail(msg) {
    errors.push(msg);
    $('error').textContent = msg;
    $('error').hidden = false;
    document.body.dataset.error = msg;
  }

  function stop() {
    if (current && current.stop) current.stop();
    current = null;
    video.removeAttribute('src');
    video.load();
    $('player').hidden = true;
  }

  // play starts name (a stream name, or a full URL) through via: "hls"
  // (native HLS if the browser has it, else hls.js), "hlsjs" (always
  // hls.js), "native" or "dash".
  function play(name, via) {
    stop();
    errors = [];
    $('error').hidden = true;
    delete document.body.dataset.error;
    var isURL = /^https?:\/\//.test(name);
    var url = isURL ? name : (via === 'dash' ? dashURL(name) : hlsURL(name));
    // The browser's own HLS on Apple's browsers (Safari, and every browser
    // on iOS), or where there is no Media Source; hls.js elsewhere (Chrome
    // also says it can play HLS now, but without Low-Latency HLS).
    var native = video.canPlayType('application/vnd.apple.mpegurl') !== '' &&
      (/Apple/.test(navigator.vendor) || !(window.Hls && Hls.isSupported()));
    var engine = via;
    if (via === 'hls') engine = native ? 'native' : 'hlsjs';
    current = { name: name, via: via, engine: engine, url: url, stop: null };
    $('player').hidden = false;
    $('playing').textContent = isURL ? url : name;
    if (engine === 'dash') {
      if (!window.dashjs) return fail('dash.js did not load');
      var p = dashjs.MediaPlayer().create();
      p.updateSettings({ streaming: { delay: { liveDelay: 1.5 }, liveCatchup: { enabled: true } } });
      p.on(dashjs.MediaPlayer.events.ERROR, function (e) {
        fail('DASH: ' + ((e.error && (e.error.message || e.error.code)) || 'error'));
      });
      p.initialize(video, url, true);
      current.stop = function () { p.destroy(); };
      current.latency = function () { return { latency: p.getCurrentLiveLatency(), target: p.getTargetLiveDelay ? p.getTargetLiveDelay() : null }; };
      $('engine').textContent = 'DASH · dash.js ' + p.getVersion();
    } else if (engine === 'hlsjs') {
      if (!window.Hls || !Hls.isSupported()) return fail('This browser has neither HLS nor Media Source');
      var h = new Hls({ lowLatencyMode: true, backBufferLength: 30, maxLiveSyncPlaybackRate: 1.5 });
      h.on(Hls.Events.ERROR, function (_, d) {
        if (d.fatal) fail('HLS: ' + d.type + ' ' + d.details);
      });
      h.loadSource(url);
      h.attachMedia(video);
      current.stop = function () { h.destroy(); };
      current.latency = function () { return { latency: h.latency, target: h.targetLatency }; };
      $('engine').textContent = 'LL-HLS · hls.js ' + Hls.version;
    } else {
      video.src = url;
      $('engine').textContent = 'LL-HLS · the browser\'s own player';
    }
    var links = $('links');
    links.replaceChildren();
    if (!isURL) {
      [['HLS link', hlsURL(name)], ['DASH link', dashURL(name)]].forEach(function (l) {
        var a = document.createElement('a');
        a.href = l[1]; a.textContent = l[0];
        links.appendChild(a);
      });
    }
    var pr = video.play();
    if (pr && pr.catch) pr.catch(function () { /* autoplay waits for a tap */ });
  }

  video.addEventListener('error', function () {
    if (current && current.engine === 'native') fail('The browser could not play the stream');
  });
  $('stop').addEventListener('click', stop);

  // For tests and bookmarks: #play=live/cam1&via=dash
  function fromHash() {
    var q = new URLSearchParams(location.hash.slice(1));
    if (q.get('play')) play(q.get('play'), q.get('via') || 'hls');
  }
  window.addEventListener('hashchange', fromHash);

  window.monitor = {
    play: play,
    stop: stop,
    state: function () {
      return { playing: current && current.name, engine: current && current.engine,
        currentTime: video.currentTime, paused: video.paused, readyState: video.readyState, errors: errors.slice(),
        latency: current && current.latency ? current.latency() : null };
    }
  };
  refresh();
  setInterval(refresh, 2000);
  fromHash();
})();
