/* The server's household rules on the phone. Nothing here is a rule of its own: patterns, limits
   and messages come from household_forms/rules.py through the page's #rules-json, and this file
   only applies them, so the phone refuses exactly what the server refuses, with its words.
   window.KhaosatRules.check(data, today) → {"members.0.ngay_sinh": ["…"], …} (the sync API's
   error paths without "data."). */
(function () {
  "use strict";
  var R = null;

  function load(json) { R = json; return api; }
  function fromPage() {
    if (!R) {
      var el = document.getElementById("rules-json");
      if (el) R = JSON.parse(el.textContent);
    }
    return R;
  }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(y, m, d) { return y + "-" + pad(m) + "-" + pad(d); }
  function vnDate(isoText) { var p = isoText.split("-"); return p[2] + "/" + p[1] + "/" + p[0]; }
  // The phone's own calendar day in Vietnam (UTC+7), whatever zone the phone is set to.
  function vnToday() { return new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10); }

  function squeeze(value) {
    fromPage(); // text(), phone(), birth() and applicable() are called on their own too
    return String(value == null ? "" : value).replace(new RegExp(R.spaces, "g"), " ")
      .replace(/^ +| +$/g, "");
  }
  // Throws Error(message) like rules.check_text raises RuleError.
  function text(key, value) {
    value = squeeze(value);
    // "u": code points, as in Python. Without it the surrogate range matches both halves of any
    // character outside the BMP (an emoji, a rare Hán Nôm character) and refused it.
    if (new RegExp(R.control_re, "u").test(value)) throw new Error(R.control);
    if (!value && R.required[key]) throw new Error(R.required[key]);
    var limit = R.max_length[key], length = Array.from(value).length;
    if (limit && length > limit) throw new Error(fmt(R.too_long, { max: limit, length: length }));
    return value;
  }
  function phone(value) {
    fromPage();
    var compact = String(value || "").replace(new RegExp(R.phone.strip, "g"), "");
    if (!compact) return null;
    if (!new RegExp(R.phone.pattern).test(compact)) throw new Error(R.phone.message);
    return compact.length === 9 && compact[0] !== "0" ? "0" + compact : compact;
  }
  function realDate(y, m, d) {
    var t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }
  // → {date: "YYYY-MM-DD", yearOnly: bool}, or throws like rules.parse_birth.
  function birth(value, today) {
    today = today || vnToday();
    var t = text("ngay_sinh", value), B = R.birth, M = B.messages;
    var thisYear = +today.slice(0, 4);
    for (var i = 0; i < B.formats.length; i++) {
      var match = new RegExp(B.formats[i][0]).exec(t), order = B.formats[i][1];
      if (!match) continue;
      if (order === "y") {
        var year = +t;
        if (year < B.min_year) throw new Error(fmt(M.too_old, { min_year: B.min_year }));
        if (year > thisYear) throw new Error(fmt(M.future_year, { year: year, this_year: thisYear }));
        return { date: iso(year, 7, 1), yearOnly: true };
      }
      var p = match.slice(1).map(Number);
      var y = order === "ymd" ? p[0] : p[2], m = p[1], d = order === "ymd" ? p[2] : p[0];
      var shown = pad(d) + "/" + pad(m) + "/" + y;
      if (y < B.min_year) throw new Error(fmt(M.too_old, { min_year: B.min_year }));
      if (!realDate(y, m, d)) throw new Error(fmt(M.impossible, { text: shown }));
      var born = iso(y, m, d);
      if (born > today) throw new Error(fmt(M.future, { text: shown, today: vnDate(today) }));
      return { date: born, yearOnly: false };
    }
    throw new Error(M.format);
  }

  // Which items are asked of a person: {birth_date: "YYYY-MM-DD", gioi_tinh, cu_tru, dt_thong_minh}.
  function applicable(person) {
    fromPage();
    var out = {};
    if (R.counted_states.indexOf(person.cu_tru || "co_mat") < 0 || !person.birth_date) return out;
    Object.keys(R.reach).forEach(function (key) {
      var reach = R.reach[key], retired = R.retired_by[person.gioi_tinh];
      if (person.birth_date > reach.born_by) return;
      if (reach.working_age_only && retired && person.birth_date <= retired) return;
      if (R.needs_smartphone.indexOf(key) >= 0 && person.dt_thong_minh !== true) return;
      out[key] = true;
    });
    return out;
  }

  // The whole household as the push sends it ({consent, ma_ho, …, members: [...]}).
  function check(data, today, kind) {
    fromPage();
    var errors = {};
    function add(path, message) { (errors[path] = errors[path] || []).push(message); }
    function tryText(path, key, value, present) {
      if (!present) return;
      try { text(key, value); } catch (e) { add(path, e.message); }
    }
    var creating = kind !== "update";
    if (creating && data.consent !== true) add("consent", R.required.consent);
    ["ma_ho", "chu_ho", "dia_chi", "note"].forEach(function (k) {
      tryText(k, k, data[k], k in data && data[k] !== null);
    });
    if (data.so_dien_thoai) {
      try { phone(data.so_dien_thoai); } catch (e) { add("so_dien_thoai", e.message); }
    }
    var members = data.members || [];
    if (creating && !members.length) add("members", R.required.members);
    members.forEach(function (m, i) {
      var at = "members." + i + ".";
      tryText(at + "ho_ten", "ho_ten", m.ho_ten, true);
      try { birth(m.ngay_sinh, today); } catch (e) { add(at + "ngay_sinh", e.message); }
      if (R.choices.gioi_tinh.indexOf(m.gioi_tinh) < 0) {
        add(at + "gioi_tinh", m.gioi_tinh ? R.choice_message : R.required.gioi_tinh);
      }
      tryText(at + "quan_he", "quan_he", m.quan_he, m.quan_he != null);
    });
    return errors;
  }

  var api = {
    load: load, check: check, text: text, phone: phone, birth: birth,
    applicable: applicable, today: vnToday, rules: fromPage,
  };
  window.KhaosatRules = api;
  fromPage(); // pages that carry #rules-json are ready at once; others call load()
})();
