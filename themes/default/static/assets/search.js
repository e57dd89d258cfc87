// The search page: Pagefind's Component UI in faceted mode, with the query,
// filters and sort kept in the URL (?q=...&region=...&sort=...) so a search
// can be shared, reloaded and undone with Back. Loaded as an external file
// (the site's CSP forbids inline script); if anything here fails, the page
// keeps showing its no-JavaScript fallback.
(function () {
  "use strict";

  var FILTER_KEYS = ["region", "focus", "phase", "month"];
  var FILTER_NAMES = {
    region: "Region",
    focus: "Focus area",
    phase: "Phase",
    month: "Month of visit",
  };
  var SORTS = { name: "asc", next_visit: "asc" };
  // Longer queries add nothing to a prospectus search and only cost time.
  var MAX_QUERY = 200;

  var app = document.querySelector("[data-ik-search]");
  var fallback = document.querySelector("[data-ik-search-fallback]");
  var statusEl = document.querySelector("[data-ik-search-status]");
  var sortEl = document.querySelector("[data-ik-search-sort]");
  var resultsEl = app && app.querySelector("pagefind-results");
  var pane = app && app.querySelector("pagefind-filter-pane");
  if (!app || !statusEl || !window.PagefindComponents) return;

  var instance = window.PagefindComponents.getInstanceManager().getInstance("default");

  // --- URL state ----------------------------------------------------------

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    FILTER_KEYS.forEach(function (key) {
      var values = params.getAll(key).filter(function (v) {
        return v.length > 0;
      });
      if (values.length) filters[key] = values;
    });
    var sort = params.get("sort") || "";
    return {
      q: (params.get("q") || "").slice(0, MAX_QUERY),
      filters: filters,
      sort: Object.prototype.hasOwnProperty.call(SORTS, sort) ? sort : "",
    };
  }

  function toQueryString(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q.trim());
    FILTER_KEYS.forEach(function (key) {
      (state.filters[key] || []).forEach(function (v) {
        params.append(key, v);
      });
    });
    if (state.sort) params.set("sort", state.sort);
    var s = params.toString();
    return s ? "?" + s : window.location.pathname;
  }

  function cleanFilters(filters) {
    var out = {};
    FILTER_KEYS.forEach(function (key) {
      var values = (filters && filters[key]) || [];
      if (values.length) out[key] = values.slice();
    });
    return out;
  }

  // What is in the address bar now; compared to decide push versus replace.
  var current = readUrl();
  // Set while a state is applied from the URL, so it is not written back.
  var applying = false;

  function record(next) {
    if (applying) return;
    var before = toQueryString(current);
    var after = toQueryString(next);
    var filtersChanged =
      JSON.stringify(cleanFilters(current.filters)) !== JSON.stringify(cleanFilters(next.filters)) ||
      current.sort !== next.sort;
    current = next;
    if (before === after) return;
    // A filter or sort change is a step Back should undo; typing is not
    // (one history entry per keystroke would make Back useless).
    if (filtersChanged) {
      window.history.pushState(null, "", after);
    } else {
      window.history.replaceState(null, "", after);
    }
  }

  // --- Searching ----------------------------------------------------------

  function effectiveSort(term, sort) {
    if (sort) {
      var s = {};
      s[sort] = SORTS[sort];
      return s;
    }
    // With no words there is no relevance to rank by: list by name.
    return term && term.trim() ? {} : { name: "asc" };
  }

  function apply(state) {
    applying = true;
    try {
      current = state;
      if (sortEl) sortEl.value = state.sort;
      instance.searchSort = effectiveSort(state.q, state.sort);
      instance.triggerSearchWithFilters(state.q, cleanFilters(state.filters));
    } finally {
      applying = false;
    }
  }

  // Every search, whoever started it (typing, a filter, Back), passes here
  // before pagefind runs it: set the sort for it and record it in the URL.
  instance.on("search", function (term, filters) {
    var q = String(term || "");
    if (q.length > MAX_QUERY) {
      q = q.slice(0, MAX_QUERY);
    }
    instance.searchSort = effectiveSort(q, current.sort);
    record({ q: q, filters: cleanFilters(filters), sort: current.sort });
  });

  // --- Announcing results -------------------------------------------------

  // One polite live region (role="status") says how many schools match;
  // the Component UI's own announcer would say it a second time.
  instance.announce = function () {};

  function plural(n) {
    return n === 1 ? "1 host school" : n + " host schools";
  }

  function describeFilters(filters) {
    var parts = [];
    FILTER_KEYS.forEach(function (key) {
      // Pagefind matches every ticked value of a filter, so say "and".
      if (filters[key] && filters[key].length) parts.push(filters[key].join(" and "));
    });
    return parts.length ? " in " + parts.join(", ") : "";
  }

  instance.on("results", function (result) {
    var n = (result && result.results && result.results.length) || 0;
    var q = (instance.searchTerm || "").trim();
    var where = describeFilters(cleanFilters(instance.searchFilters));
    var text;
    if (q) {
      text = n
        ? plural(n) + where + " match \u201c" + q + "\u201d"
        : "No host schools" + where + " match \u201c" + q + "\u201d. Check the spelling, use fewer words or remove a filter.";
    } else {
      text = n ? plural(n) + where : "No host schools" + where + ". Remove a filter to see more.";
    }
    statusEl.textContent = text;
    // Which search the status describes: lets tests (and scripts) wait for
    // a search to finish without guessing at timings.
    statusEl.setAttribute("data-ik-search-done", q);
  });

  instance.on("error", function () {
    statusEl.textContent =
      "Search is not working at the moment. Browse by region, focus area or phase instead.";
    if (fallback) fallback.hidden = false;
  });

  // --- Result cards -------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Built with DOM methods and textContent, so nothing from the index is
  // ever parsed as HTML.
  function card(data) {
    var meta = (data && data.meta) || {};
    var filters = (data && data.filters) || {};
    var li = el("li", "ik-card ik-search-result");
    var h = el("h3", "ik-card__title");
    var a = el("a", "", meta.title || data.url);
    a.href = data.url;
    h.appendChild(a);
    li.appendChild(h);
    var where = [meta.phase, [meta.town, meta.local_authority].filter(Boolean).join(", "), meta.region]
      .filter(Boolean)
      .join(" \u00b7 ");
    li.appendChild(el("p", "ik-card__meta", where));
    if (meta.summary) li.appendChild(el("p", "ik-card__summary", meta.summary));
    var focus = filters.focus || [];
    if (focus.length) {
      var ul = el("ul", "ik-tag-list");
      ul.setAttribute("aria-label", "Focus areas");
      focus.forEach(function (name) {
        var item = el("li");
        item.appendChild(el("span", "ik-tag", name));
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    li.appendChild(
      el("p", "ik-card__next", meta.next_visit ? "Next visit: " + meta.next_visit : "No upcoming visit dates")
    );
    return li;
  }

  if (resultsEl) resultsEl.resultTemplate = card;

  // --- Words and order of the Component UI ---------------------------------

  instance.setTranslations({
    search_label: "Search for a host school",
    placeholder: "For example, Bolton or reading",
    input_hint: "By school name, town, local authority or what you want to see. Results appear as you type.",
    clear_search: "Clear search",
    results_label: "Host schools",
    filters_label: "Filter host schools",
  });

  var MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
  ];
  function monthKey(label) {
    var parts = String(label).split(" ");
    return Number(parts[1] || 0) * 12 + MONTHS.indexOf(parts[0]);
  }

  // The pane names groups after their keys ("Focus") and lists months
  // alphabetically; give them readable names and put months in date order.
  // Runs after the pane's own rendering, and only moves its nodes.
  function tidyPane() {
    if (!pane) return;
    var container = pane.querySelector(".pf-filter-pane");
    if (!container) return;
    FILTER_KEYS.forEach(function (key) {
      var group = container.querySelector('[data-filter-name="' + key + '"]');
      if (!group) return;
      container.appendChild(group);
      group.querySelectorAll(".pf-filter-group-name, legend").forEach(function (n) {
        n.textContent = FILTER_NAMES[key];
      });
      if (key === "month") {
        var options = group.querySelector(".pf-filter-options");
        var labels = Array.prototype.slice.call(options ? options.children : []);
        labels
          .sort(function (x, y) {
            return monthKey(x.querySelector("input").value) - monthKey(y.querySelector("input").value);
          })
          .forEach(function (label) {
            options.appendChild(label);
          });
      }
    });
  }
  instance.on("filters", tidyPane);

  // --- Start --------------------------------------------------------------

  if (sortEl) {
    sortEl.addEventListener("change", function () {
      var next = { q: current.q, filters: current.filters, sort: sortEl.value in SORTS ? sortEl.value : "" };
      record(next);
      instance.searchSort = effectiveSort(next.q, next.sort);
      instance.triggerSearchWithFilters(instance.searchTerm || "", cleanFilters(instance.searchFilters));
    });
  }

  window.addEventListener("popstate", function () {
    apply(readUrl());
  });

  app.hidden = false;
  if (fallback) fallback.hidden = true;

  // Load first, then switch faceted mode on and run the URL's search: in
  // faceted mode the loader would otherwise start its own empty search,
  // which could finish after ours and replace its results.
  instance
    .triggerLoad()
    .then(function () {
      instance.faceted = true;
      apply(readUrl());
    })
    .catch(function () {
      statusEl.textContent =
        "Search could not be loaded. Browse by region, focus area or phase instead.";
      if (fallback) fallback.hidden = false;
    });
})();
