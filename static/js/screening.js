/*
 * Screening questionnaire: show and hide questions as the officer answers, without a round trip.
 *
 * Each question wrapper carries data-question (its key), data-kind (bool, choice, multi_choice,
 * number) and, when it depends on another answer, data-show-if: ShowIf.as_dict() from
 * governance/classification/questions.py ({"key", "op", "value"}). Answers given on other steps
 * come from the JSON script #screening-answers. A hidden question's inputs are disabled, so the
 * browser does not send them and the stored answer stays untouched. A "None of these" box
 * (data-none-of) and the options of its question exclude each other; a "Not known" box disables
 * the number it stands for. No dependencies.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-screening]");
  if (!form) return;

  var stored = {};
  var data = document.getElementById("screening-answers");
  if (data) {
    try { stored = JSON.parse(data.textContent) || {}; } catch (e) { stored = {}; }
  }
  // annex_i and gpai hold an object (or null) in a screening; as a question they are yes/no.
  var OBJECT_KEYS = { annex_i: true, gpai: true };

  function storedAnswer(key) {
    if (Object.prototype.hasOwnProperty.call(stored, key)) {
      var value = stored[key];
      if (OBJECT_KEYS[key] && (value === null || typeof value === "object")) return value !== null;
      return value;
    }
    var dot = key.indexOf(".");
    if (dot > 0) {
      var head = stored[key.slice(0, dot)];
      if (head && typeof head === "object") return head[key.slice(dot + 1)];
    }
    return undefined;
  }

  function readQuestion(el) {
    var kind = el.getAttribute("data-kind");
    var inputs = el.querySelectorAll("input:not([type=hidden]), select");
    if (kind === "multi_choice") {
      var picked = [];
      inputs.forEach(function (i) { if (i.checked && i.value !== "none") picked.push(i.value); });
      return picked;
    }
    if (kind === "number") {
      var text = inputs[0] ? inputs[0].value.trim() : "";
      var n = parseFloat(text.replace(/\s/g, ""));
      return text === "" || isNaN(n) ? null : n;
    }
    var value;
    inputs.forEach(function (i) {
      if (i.tagName === "SELECT") value = i.value || undefined;
      else if (i.checked) value = i.value;
    });
    if (value === undefined) return undefined;
    if (kind === "bool") return value === "yes";
    return value === "none" ? null : value;
  }

  function answers() {
    var current = {};
    form.querySelectorAll("[data-question]").forEach(function (el) {
      var key = el.getAttribute("data-question");
      var value = readQuestion(el);
      current[key] = value === undefined ? storedAnswer(key) : value;
    });
    return function (key) {
      return Object.prototype.hasOwnProperty.call(current, key) ? current[key] : storedAnswer(key);
    };
  }

  function holds(condition, get) {
    var answer = get(condition.key);
    var value = condition.value;
    switch (condition.op) {
      case "equals": return answer === value;
      case "in": return Array.isArray(value) && value.indexOf(answer) !== -1;
      case "any_of":
        return Array.isArray(answer) && answer.some(function (c) { return value.indexOf(c) !== -1; });
      case "not_empty": return Array.isArray(answer) ? answer.length > 0 : Boolean(answer);
      default: return true;
    }
  }

  function refresh() {
    var get = answers();
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      var condition;
      try { condition = JSON.parse(el.getAttribute("data-show-if")); } catch (e) { return; }
      // A question gated by a hidden question is hidden too.
      var gate = form.querySelector('[data-question="' + condition.key + '"]');
      var show = !(gate && gate.hidden) && holds(condition, get);
      if (el.hidden === !show) return;
      el.hidden = !show;
      el.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = !show; });
    });
  }

  // "None of these" / "Not known": exclusive with the question's other answers.
  function exclusive(event) {
    var box = event.target;
    if (!box || box.type !== "checkbox") return;
    var question = box.closest("[data-question]");
    if (!question) return;
    var none = question.querySelector("[data-none-of]");
    if (!none) return;
    var number = question.querySelector("input.number-input");
    if (box === none) {
      if (number) {
        number.disabled = none.checked;
        if (none.checked) number.value = "";
      } else if (none.checked) {
        question.querySelectorAll("input[type=checkbox]").forEach(function (i) {
          if (i !== none) i.checked = false;
        });
      }
    } else if (box.checked) {
      none.checked = false;
    }
  }

  form.addEventListener("change", exclusive);
  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();
})();
