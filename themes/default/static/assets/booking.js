// The booking form on host pages, improved when JavaScript runs.
//
// Without this script the form works as a plain HTML form: it posts to
// /api/bookings/check, which answers a "Check your answers" page whose
// button posts to /api/bookings. With it, the same steps happen in the
// page: answers are checked by the same endpoint (as JSON), the summary is
// shown in place, and "Confirm booking" posts JSON with an idempotency key,
// so a retry or a double click can never make two bookings. The server is
// the authority on every rule; the checks made here only save a round trip.
//
// It also refreshes the "places left" tags from /api/availability and
// disables the radios of dates that can no longer be booked.
(function () {
  'use strict';

  var form = document.querySelector('form[data-booking-form]');
  if (!form || !window.fetch || !window.FormData) {
    return;
  }

  // Where the API lives: the form's action is <api>/bookings/check.
  var action = form.getAttribute('action') || '/api/bookings/check';
  var api = action.replace(/\/bookings\/check\/?$/, '');
  var originalTitle = document.title;
  var key = newKey();
  var busy = false;
  var check = null;

  // Messages as the server words them, for the checks made here.
  var REQUIRED = {
    visit: 'Select a visit date',
    school_name: 'Enter the name of your school',
    school_urn: "Enter your school's URN",
    school_region: "Select your school's region",
    contact_name: 'Enter the name of the person to contact about the visit',
    contact_role: "Enter the contact's role, like deputy headteacher",
    email: 'Enter an email address',
    places: 'Enter the number of places',
    consent: 'Confirm that you have read the privacy notice and agree to it'
  };

  // The rows of the check-your-answers summary, in the form's order.
  // [field, key shown, what a Change link changes]
  var ROWS = [
    ['visit', 'Visit date', 'visit date'],
    ['school_name', 'School name', 'school name'],
    ['school_urn', 'School URN', 'school URN'],
    ['school_region', 'Region', 'region'],
    ['contact_name', 'Contact name', 'contact name'],
    ['contact_role', 'Contact role', 'contact role'],
    ['email', 'Email address', 'email address'],
    ['places', 'Number of places', 'number of places'],
    ['needs', 'Access or other needs', 'access or other needs']
  ];

  form.noValidate = true;
  form.addEventListener('submit', onSubmit);
  refreshAvailability();

  // A key for the life of this form: the same booking sent twice (a retry,
  // a double click) carries the same key, so the server makes it once.
  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join('');
  }

  function answers() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      data[name] = value;
    });
    return data;
  }

  function onSubmit(event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    var data = answers();
    var missing = [];
    Object.keys(REQUIRED).forEach(function (name) {
      if (field(name) && !String(data[name] || '').trim()) {
        missing.push({ field: name, message: REQUIRED[name] });
      }
    });
    if (missing.length) {
      showErrors(missing);
      return;
    }
    busy = true;
    var button = form.querySelector('[type=submit]');
    if (button) {
      button.disabled = true;
    }
    send(api + '/bookings/check', data).then(function (answer) {
      busy = false;
      if (button) {
        button.disabled = false;
      }
      if (answer.status === 200) {
        showCheck(data);
      } else {
        showProblem(answer);
      }
    });
  }

  // POSTs JSON; resolves to {status, body}, with status 0 when the
  // request never got an answer.
  function send(url, data, headers) {
    var all = { 'Content-Type': 'application/json', Accept: 'application/json' };
    Object.keys(headers || {}).forEach(function (h) {
      all[h] = headers[h];
    });
    return fetch(url, {
      method: 'POST',
      headers: all,
      body: JSON.stringify(data),
      credentials: 'same-origin'
    }).then(function (response) {
      return response.json().catch(function () {
        return null;
      }).then(function (body) {
        return { status: response.status, body: body };
      });
    }, function () {
      return { status: 0, body: null };
    });
  }

  // The element an error about `name` points at: the input with that id
  // (the first bookable radio has the id `visit`), else the first control
  // with that name.
  function field(name) {
    var byId = document.getElementById(name);
    if (byId && form.contains(byId)) {
      return byId;
    }
    return form.elements[name] && (form.elements[name].length ? form.elements[name][0] : form.elements[name]);
  }

  function focusable(name) {
    var el = field(name);
    if (el && el.disabled && el.type === 'radio') {
      el = form.querySelector('input[name="' + name + '"]:not(:disabled)') || el;
    }
    return el;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function clearErrors() {
    document.title = originalTitle;
    Array.prototype.forEach.call(document.querySelectorAll('[data-booking-error]'), function (node) {
      node.parentNode.removeChild(node);
    });
    Array.prototype.forEach.call(form.querySelectorAll('.ik-form-group--error'), function (group) {
      group.classList.remove('ik-form-group--error');
    });
    Array.prototype.forEach.call(form.querySelectorAll('[data-described-before]'), function (input) {
      var before = input.getAttribute('data-described-before');
      if (before) {
        input.setAttribute('aria-describedby', before);
      } else {
        input.removeAttribute('aria-describedby');
      }
      input.removeAttribute('data-described-before');
      input.classList.remove('ik-input--error');
    });
  }

  // A GOV.UK error summary: one link per field error, plain text for the
  // rest. Goes at the top of `container` and takes focus.
  function errorSummary(container, errors) {
    var box = el('div', 'ik-error-summary');
    box.setAttribute('data-booking-error', '');
    box.setAttribute('role', 'alert');
    box.setAttribute('aria-labelledby', 'booking-error-title');
    box.tabIndex = -1;
    var title = el('h2', 'ik-error-summary__title', 'There is a problem');
    title.id = 'booking-error-title';
    box.appendChild(title);
    var list = el('ul', 'ik-error-summary__list');
    errors.forEach(function (error) {
      var item = el('li');
      var target = error.field && focusable(error.field);
      if (target) {
        var link = el('a', '', error.message);
        link.href = '#' + (target.id || error.field);
        link.addEventListener('click', function (event) {
          event.preventDefault();
          showForm();
          var group = target.closest('.ik-form-group') || target;
          group.scrollIntoView();
          target.focus({ preventScroll: true });
        });
        item.appendChild(link);
      } else {
        item.textContent = error.message;
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    container.insertBefore(box, container.firstChild);
    document.title = 'Error: ' + originalTitle;
    box.focus();
    return box;
  }

  function showErrors(errors) {
    clearErrors();
    showForm();
    var seen = {};
    errors.forEach(function (error) {
      var input = error.field && field(error.field);
      if (!input || seen[error.field]) {
        return;
      }
      seen[error.field] = true;
      inlineError(input, error);
    });
    errorSummary(form, errors);
  }

  // The message above the field, inside its form group, tied to the input
  // with aria-describedby.
  function inlineError(input, error) {
    var group = input.closest('.ik-form-group');
    var id = error.field + '-error';
    var message = el('p', 'ik-error-message');
    message.id = id;
    message.setAttribute('data-booking-error', '');
    message.appendChild(el('span', 'ik-visually-hidden', 'Error: '));
    message.appendChild(document.createTextNode(error.message));
    var choices = input.closest('.ik-radios, .ik-checkboxes');
    var anchor = choices || input;
    if (group) {
      group.classList.add('ik-form-group--error');
    }
    anchor.parentNode.insertBefore(message, anchor);
    var inputs = choices ? choices.querySelectorAll('input') : [input];
    Array.prototype.forEach.call(inputs, function (control) {
      var before = control.getAttribute('aria-describedby') || '';
      control.setAttribute('data-described-before', before);
      control.setAttribute('aria-describedby', (before ? before + ' ' : '') + id);
      if (!choices) {
        control.classList.add('ik-input--error');
      }
    });
  }

  // Any answer that is not a success: field errors go beside their fields;
  // a busy service or a lost connection is said plainly, and the answers
  // stay as they are so the same request can simply be sent again.
  function showProblem(answer, where) {
    var body = answer.body || {};
    var errors = Array.isArray(body.errors) ? body.errors.filter(function (e) {
      return e && e.message;
    }) : [];
    if (answer.status === 0) {
      errors = [{ message: 'Your booking could not be sent because the connection failed. Your answers have been kept: check your connection and try again.' }];
    } else if (answer.status === 503 || !errors.length) {
      errors = [{ message: body.detail || 'Sorry, there is a problem with the service. Your answers have been kept: try again in a few seconds.' }];
    } else {
      showErrors(errors);
      return;
    }
    clearErrors();
    errorSummary(where || form, errors);
  }

  function showForm() {
    if (check) {
      check.parentNode.removeChild(check);
      check = null;
    }
    form.hidden = false;
  }

  // What the visitor chose, as they saw it: the label of a radio or option,
  // the text of an input.
  function shown(name, data) {
    var input = field(name);
    if (!input) {
      return null;
    }
    if (input.type === 'hidden') {
      return { text: String(data[name] || ''), input: null };
    }
    if (input.type === 'radio') {
      var checked = form.querySelector('input[name="' + name + '"]:checked');
      var label = checked && form.querySelector('label[for="' + checked.id + '"]');
      return { text: label ? label.textContent.replace(/\s+/g, ' ').trim() : String(data[name] || ''), input: input };
    }
    if (input.tagName === 'SELECT') {
      var option = input.options[input.selectedIndex];
      return { text: option ? option.textContent.trim() : '', input: input };
    }
    return { text: String(data[name] || '').trim() || 'None', input: input };
  }

  function showCheck(data) {
    clearErrors();
    showForm();
    check = el('div', 'ik-check-answers');
    check.setAttribute('data-booking-check', '');
    var heading = el('h2', 'ik-heading-l', 'Check your answers before booking');
    heading.tabIndex = -1;
    check.appendChild(heading);
    var list = el('dl', 'ik-summary-list');
    ROWS.forEach(function (row) {
      var value = shown(row[0], data);
      if (!value) {
        return;
      }
      var line = el('div', 'ik-summary-list__row');
      line.appendChild(el('dt', 'ik-summary-list__key', row[1]));
      line.appendChild(el('dd', 'ik-summary-list__value', value.text));
      var actions = el('dd', 'ik-summary-list__actions');
      if (value.input) {
        var change = el('a', '', 'Change');
        change.href = '#' + (value.input.id || row[0]);
        change.appendChild(el('span', 'ik-visually-hidden', ' ' + row[2]));
        change.addEventListener('click', function (event) {
          event.preventDefault();
          showForm();
          var target = focusable(row[0]);
          var checked = target.type === 'radio' && form.querySelector('input[name="' + row[0] + '"]:checked');
          (checked || target).focus();
        });
        actions.appendChild(change);
      }
      line.appendChild(actions);
      list.appendChild(line);
    });
    check.appendChild(list);
    check.appendChild(el('p', 'ik-body', 'By confirming, you book these places for your school. We will show you a booking reference and private links to cancel the booking or give feedback after the visit.'));
    var confirm = el('button', 'ik-button', 'Confirm booking');
    confirm.type = 'button';
    confirm.setAttribute('data-confirm-booking', '');
    confirm.addEventListener('click', function () {
      book(data, confirm);
    });
    check.appendChild(confirm);
    form.hidden = true;
    form.parentNode.insertBefore(check, form.nextSibling);
    heading.focus();
  }

  function book(data, button) {
    if (busy) {
      return;
    }
    busy = true;
    button.disabled = true;
    button.textContent = 'Sending your booking…';
    data.idempotency_key = key;
    send(api + '/bookings', data, { 'Idempotency-Key': key }).then(function (answer) {
      if (answer.status === 201 && answer.body && answer.body.booking_url) {
        var url = answer.body.booking_url;
        window.location.assign(url + (url.indexOf('?') < 0 ? '?' : '&') + 'new=1');
        return;
      }
      busy = false;
      button.disabled = false;
      button.textContent = 'Confirm booking';
      var retry = answer.status === 0 || answer.status === 503;
      showProblem(answer, retry ? check : null);
      if (!retry) {
        refreshAvailability();
      }
    });
  }

  function placesText(remaining) {
    return remaining === 1 ? '1 place left' : remaining + ' places left';
  }

  var STATUS = {
    full: ['Fully booked', 'ik-tag--red'],
    closed: ['Booking closed', 'ik-tag--grey'],
    past: ['Past', 'ik-tag--grey'],
    withdrawn: ['Withdrawn', 'ik-tag--grey']
  };

  // Places left on each date, from the API (the page was built earlier).
  function refreshAvailability() {
    var host = form.getAttribute('data-host-urn') ||
      (document.querySelector('[data-host-urn]') || form).getAttribute('data-host-urn');
    if (!host) {
      return;
    }
    fetch(api + '/availability?host=' + encodeURIComponent(host), {
      headers: { Accept: 'application/json' },
      cache: 'no-cache'
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (body) {
      if (body && Array.isArray(body.visits)) {
        body.visits.forEach(showVisit);
      }
    }, function () {
      // Keep the tags the page was built with.
    });
  }

  function showVisit(visit) {
    var open = visit.status === 'open';
    var look = open ? [placesText(visit.remaining), 'ik-tag--green'] : STATUS[visit.status];
    if (!look) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll('.ik-tag[data-visit-id]'), function (tag) {
      if (tag.getAttribute('data-visit-id') !== visit.id) {
        return;
      }
      tag.textContent = look[0];
      tag.className = tag.className.replace(/\bik-tag--\S+/g, '').trim() + ' ' + look[1];
    });
    Array.prototype.forEach.call(form.querySelectorAll('input[name="visit"]'), function (radio) {
      if (radio.value === visit.id) {
        radio.disabled = !open;
        if (!open) {
          radio.checked = false;
        }
      }
    });
  }
})();
