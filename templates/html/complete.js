// postern: completion of To, Cc and Bcc as you type (progressive
// enhancement). Without this script the compose page offers the same
// addresses in a datalist filled on the server; with it, each field gets
// its own datalist, refilled from GET /complete?q=<the entry being typed>
// whose options are the whole field with that entry completed, so the
// browser's own list completes the last address of a comma-separated
// field. The site's directory, when there is one, adds its people after
// the book's; when it does not answer, a note next to the field says so.
// Served from postern itself under script-src 'self': no inline
// script, no eval, no HTML built from strings.
(function () {
  'use strict';
  var form = document.getElementById('compose');
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute('data-complete');
  if (!url) { return; }

  // lastEntry splits a field's text into what precedes the entry being
  // typed and that entry: at the last comma outside quotes and <>.
  function lastEntry(s) {
    var quote = false, angle = false, cut = -1;
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i);
      if (c === '\\' && quote) { i++; continue; }
      if (c === '"') { quote = !quote; }
      else if (!quote && c === '<') { angle = true; }
      else if (!quote && c === '>') { angle = false; }
      else if (!quote && !angle && c === ',') { cut = i; }
    }
    var head = cut < 0 ? '' : s.slice(0, cut + 1);
    return { head: head, term: s.slice(cut + 1).replace(/^\s+/, '') };
  }

  // directoryNote says, next to input, that the site's directory did
  // not answer, so its people are missing from the list; or removes it.
  function directoryNote(input, down) {
    var id = 'directory-note-' + input.id;
    var note = document.getElementById(id);
    if (!down) {
      if (note) { note.parentNode.removeChild(note); }
      return;
    }
    if (note) { return; }
    note = document.createElement('span');
    note.id = id;
    note.className = 'small directory-note';
    note.setAttribute('role', 'status');
    note.textContent = 'The directory did not answer: only your contacts are offered.';
    input.parentNode.insertBefore(note, input.nextSibling);
  }

  function attach(input) {
    var list = document.createElement('datalist');
    list.id = 'complete-' + input.id;
    form.appendChild(list);
    input.setAttribute('list', list.id);
    var timer = 0, asked = '';
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var e = lastEntry(input.value);
        if (e.term === '' || e.term === asked) { return; }
        asked = e.term;
        fetch(url + '?q=' + encodeURIComponent(e.term), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
          .then(function (r) {
            directoryNote(input, r.headers.get('X-Postern-Directory') === 'unavailable');
            return r.ok ? r.json() : [];
          })
          .then(function (found) {
            if (lastEntry(input.value).term !== e.term) { return; }
            while (list.firstChild) { list.removeChild(list.firstChild); }
            var head = e.head === '' ? '' : e.head + ' ';
            for (var i = 0; i < found.length; i++) {
              var o = document.createElement('option');
              o.value = head + found[i].value + ', ';
              o.label = found[i].label;
              list.appendChild(o);
            }
          })
          .catch(function () { /* the server's datalist stays usable */ });
      }, 120);
    });
  }

  var ids = ['to', 'cc', 'bcc'];
  for (var i = 0; i < ids.length; i++) {
    var input = document.getElementById(ids[i]);
    if (input) { attach(input); }
  }
  form.setAttribute('data-completing', 'yes');
}());
