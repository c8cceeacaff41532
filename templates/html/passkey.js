// postern: the WebAuthn ceremonies (navigator.credentials), for the
// buttons marked data-passkey="create" (register a passkey, security
// page) and data-passkey="get" (use one, second step of a login; or the
// login page's passwordless button, whose options come from a same-origin
// GET of data-options-url). The options come from the server in the
// button's data-options attribute, as the JSON of
// PublicKeyCredentialCreationOptions / RequestOptions with base64url
// strings for the binary members; the answer goes back in the hidden
// field "credential" of the button's form (data-form), as the JSON the
// server's library reads, and the form is submitted as any other (with
// its CSRF token). Served from postern itself under script-src 'self':
// no inline script, no eval, no HTML built from strings. Without
// JavaScript the buttons stay hidden and a noscript element says so; in
// a browser without WebAuthn, the elements marked
// data-passkey-unsupported are shown.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) {
    var un = document.querySelectorAll('[data-passkey-unsupported]');
    for (var k = 0; k < un.length; k++) { un[k].hidden = false; }
    return;
  }

  function fromB64u(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) { s += '='; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }

  function toB64u(buf) {
    var bytes = new Uint8Array(buf), bin = '';
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      var o = { type: d.type, id: fromB64u(d.id) };
      if (d.transports) { o.transports = d.transports; }
      return o;
    });
  }

  function creationOptions(o) {
    o.challenge = fromB64u(o.challenge);
    o.user.id = fromB64u(o.user.id);
    o.excludeCredentials = descriptors(o.excludeCredentials);
    return o;
  }

  function requestOptions(o) {
    o.challenge = fromB64u(o.challenge);
    o.allowCredentials = descriptors(o.allowCredentials);
    return o;
  }

  function encode(cred) {
    var r = cred.response, out = {
      id: cred.id,
      rawId: toB64u(cred.rawId),
      type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64u(r.clientDataJSON) }
    };
    if (cred.authenticatorAttachment) { out.authenticatorAttachment = cred.authenticatorAttachment; }
    if (r.attestationObject) {
      out.response.attestationObject = toB64u(r.attestationObject);
      if (r.getTransports) { out.response.transports = r.getTransports(); }
    } else {
      out.response.authenticatorData = toB64u(r.authenticatorData);
      out.response.signature = toB64u(r.signature);
      if (r.userHandle) { out.response.userHandle = toB64u(r.userHandle); }
    }
    return out;
  }

  function say(button, text) {
    var el = document.getElementById(button.getAttribute('data-status'));
    if (el) { el.textContent = text; el.hidden = false; }
  }

  function options(button) {
    var url = button.getAttribute('data-options-url');
    if (!url) { return Promise.resolve(JSON.parse(button.getAttribute('data-options'))); }
    return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (resp) {
      if (!resp.ok) { throw new Error('the site did not answer (' + resp.status + ')'); }
      return resp.json();
    });
  }

  function run(button) {
    var form = document.getElementById(button.getAttribute('data-form'));
    if (!form) { return; }
    if (form.reportValidity && !form.reportValidity()) { return; }
    var create = button.getAttribute('data-passkey') === 'create';
    button.disabled = true;
    say(button, create ? 'Follow your browser to create the passkey…' : 'Follow your browser to use your passkey…');
    options(button).then(function (o) {
      return create ?
        navigator.credentials.create({ publicKey: creationOptions(o) }) :
        navigator.credentials.get({ publicKey: requestOptions(o) });
    }).then(function (cred) {
      if (!cred) { throw new Error('no passkey was given'); }
      var answer = encode(cred);
      form.elements.credential.value = JSON.stringify(answer);
      if (form.elements.handle) { form.elements.handle.value = answer.response.userHandle || ''; }
      form.submit();
    }).catch(function (err) {
      button.disabled = false;
      say(button, 'The passkey was not used: ' + (err && err.message ? err.message : err) + '. You can try again.');
    });
  }

  var buttons = document.querySelectorAll('[data-passkey]');
  for (var i = 0; i < buttons.length; i++) {
    var b = buttons[i];
    b.hidden = false;
    b.addEventListener('click', function (ev) { ev.preventDefault(); run(ev.currentTarget); });
  }
})();
