// Citation previews. A locator (.cite__ref > .cite__loc[data-passages], made by
// reportsite/citations/plugin.py) names the paragraphs its preview shows; their text
// is in the cited source's preview store, previews/<key>.json (written once per source
// by reportsite/citations/previews.py, not once per citation). This script:
//  - builds a preview beside its locator the first time it is wanted (hover, focus,
//    tap), fetching the source's store once per visit, and names it as the link's
//    description (aria-describedby);
//  - places it: measured each time it is shown, shifted left/right to stay inside the
//    viewport and flipped above the locator when there is no room below
//    (position: fixed, so table scroll boxes do not clip it);
//  - Escape dismisses a visible preview without moving focus (WCAG 1.4.13);
//  - touch: the first tap on a locator shows its preview, a second tap on the
//    locator or a tap on the preview follows the link; a tap elsewhere closes it.
// Without JavaScript a locator is a plain link to the cited paragraph.
// Footnote references (Python-Markdown's sup > a.footnote-ref) get the same preview,
// with the footnote's text: Material's content.footnote.tooltips mounted a tooltip on
// each of a reader page's ~230 footnotes at load (0.8 s of script on a phone); this
// builds one only for the footnote a reader points at.
(function () {
  var MARGIN = 8;   // px kept free between a preview and the viewport edge
  var GAP = 4;      // px between the locator and its preview
  var lastPointer = "";
  // The stores sit at the site root, one level above this script (javascripts/).
  var script = document.currentScript;
  var storeBase = window.__citePreviewStoreBase ||
    (window.__citePreviewStoreBase = new URL("../previews/", script ? script.src : location.href).href);
  var stores = window.__citePreviewStores || (window.__citePreviewStores = {});

  var REF = ".cite__ref, .md-typeset sup[id^='fnref']";

  function refOf(node) {
    return node && node.closest ? node.closest(REF) : null;
  }

  function previewOf(ref) {
    return ref ? ref.querySelector(".cite__preview") : null;
  }

  function locatorOf(ref) {
    return ref ? ref.querySelector(".cite__loc[data-passages], a.footnote-ref") : null;
  }

  function newPreview(ref, label) {
    var preview = element("span", "cite__preview");
    preview.id = "cite-preview-" + (++window.__citePreviewCount || (window.__citePreviewCount = 1));
    preview.setAttribute("role", "tooltip");
    preview.setAttribute("aria-label", label);
    preview.setAttribute("data-search-exclude", "");
    return preview;
  }

  function attach(ref, link, preview) {
    ref.appendChild(preview);
    link.setAttribute("aria-describedby", preview.id);
    return preview;
  }

  // A footnote's preview: the note's text, without its links back.
  function footnotePreview(ref, link) {
    var id = decodeURIComponent((link.hash || "").slice(1));   // Material makes every href absolute
    var note = id && document.getElementById(id);
    if (!note) return null;
    var preview = newPreview(ref, "Footnote " + link.textContent);
    preview.classList.add("cite__preview--note");
    preview.innerHTML = note.innerHTML;
    preview.querySelectorAll(".footnote-backref").forEach(function (a) { a.remove(); });
    preview.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    // A note the source lost is only "〔…〕" with an explanatory title: show the title.
    preview.querySelectorAll(".src-gap[title]").forEach(function (gap) {
      gap.insertAdjacentText("afterend", " " + gap.title);
    });
    return attach(ref, link, preview);
  }

  function storeOf(key) {
    if (!stores[key]) {
      stores[key] = fetch(storeBase + encodeURIComponent(key) + ".json").then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.url);
        return response.json();
      });
      stores[key].catch(function (err) {
        console.warn("No citation previews for " + key + ": " + err.message);
        delete stores[key];   // try again on the next hover
      });
    }
    return stores[key];
  }

  function element(tag, className, text, lang) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    if (lang) el.lang = lang;
    return el;
  }

  // The preview of a locator: built from its source's store the first time, then kept.
  function previewFor(ref) {
    var existing = previewOf(ref);
    if (existing) return Promise.resolve(existing);
    var link = locatorOf(ref);
    if (link && link.classList.contains("footnote-ref")) return Promise.resolve(footnotePreview(ref, link));
    var cite = ref.closest(".cite[data-cite]");
    if (!link || !cite) return Promise.resolve(null);
    return storeOf(cite.getAttribute("data-cite")).then(function (store) {
      if (previewOf(ref)) return previewOf(ref);
      var zh = /^zh/.test((ref.closest("[lang]") || document.documentElement).lang);
      var preview = newPreview(ref, zh ? "引文预览" : "Preview of the cited passage");
      link.getAttribute("data-passages").split(" ").forEach(function (n) {
        var passage = store.paragraphs[n];
        if (!passage) return;
        preview.appendChild(element("span", "cite__preview-label", "¶" + n));
        if (passage.en) {
          // English first, so a reader without Chinese can judge the claim; the original follows.
          preview.appendChild(element("span", "cite__preview-lang", "English (site translation)"));
          var english = element("span", "cite__preview-en", "", "en");
          english.innerHTML = passage.en;   // the site's own text, escaped by previews.py
          preview.appendChild(english);
          preview.appendChild(element("span", "cite__preview-lang", "中文原文", "zh-Hans"));
        }
        var original = element("span", "", "", store.lang);
        original.innerHTML = passage.zh;
        preview.appendChild(original);
      });
      return preview.childNodes.length ? attach(ref, link, preview) : null;
    }, function () { return null; });
  }

  function place(ref) {
    var preview = previewOf(ref);
    var anchor = ref.querySelector(".cite__loc") || ref;
    if (!preview) return;
    preview.classList.add("cite__preview--placed");
    preview.classList.remove("cite__preview--above");
    preview.style.left = "0px";
    preview.style.top = "0px";
    preview.style.maxHeight = preview.style.overflowY = "";
    var vw = document.documentElement.clientWidth;
    var vh = window.innerHeight;
    var box = anchor.getBoundingClientRect();
    var width = preview.offsetWidth;
    var left = Math.min(box.left, vw - MARGIN - width);
    left = Math.max(MARGIN, left);
    var below = vh - box.bottom - GAP - MARGIN;
    var above = box.top - GAP - MARGIN;
    var height = preview.offsetHeight;
    var top;
    if (height <= below || below >= above) {
      top = box.bottom + GAP;
      if (height > below) {
        preview.style.maxHeight = Math.max(below, 80) + "px";
        preview.style.overflowY = "auto";
      }
    } else {
      preview.classList.add("cite__preview--above");
      if (height > above) {
        preview.style.maxHeight = above + "px";
        preview.style.overflowY = "auto";
        height = above;
      }
      top = box.top - GAP - height;
    }
    preview.style.left = Math.round(left) + "px";
    preview.style.top = Math.round(top) + "px";
  }

  // A reader page's paragraph: site.css lays out those far from the viewport lazily
  // (content-visibility), with paint containment that would clip an open preview.
  var BLOCK = ".src-body > .src-para";

  // Shows the preview once it exists, unless the reader has moved on (close) meanwhile.
  function open(ref) {
    ref.classList.remove("cite__ref--dismissed");
    ref.classList.add("cite__ref--open");
    var block = ref.closest(BLOCK);
    if (block) block.classList.add("has-open-preview");
    previewFor(ref).then(function (preview) {
      if (preview && ref.classList.contains("cite__ref--open")) place(ref);
    });
  }

  function close(ref) {
    ref.classList.remove("cite__ref--open", "cite__ref--pinned");
    var block = ref.closest(BLOCK);
    if (block && !block.querySelector(".cite__ref--open")) block.classList.remove("has-open-preview");
    var preview = previewOf(ref);
    if (preview) {
      preview.classList.remove("cite__preview--placed", "cite__preview--above");
      preview.style.left = preview.style.top = preview.style.maxHeight = preview.style.overflowY = "";
    }
  }

  function closeAll(except) {
    document.querySelectorAll(".cite__ref--open, .cite__ref--dismissed").forEach(function (ref) {
      if (ref !== except) {
        close(ref);
        ref.classList.remove("cite__ref--dismissed");
      }
    });
  }

  function isTouch() {
    return lastPointer === "touch" ||
      (lastPointer === "" && window.matchMedia && window.matchMedia("(hover: none)").matches);
  }

  if (!window.__citePreviews) {
    window.__citePreviews = true;

    document.addEventListener("pointerdown", function (event) {
      lastPointer = event.pointerType || "mouse";
      var ref = refOf(event.target);
      if (lastPointer === "touch") closeAll(ref);
    }, true);

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Esc") {
        var dismissed = false;
        document.querySelectorAll(REF).forEach(function (ref) {
          if (ref.classList.contains("cite__ref--open") || ref.matches(":hover, :focus-within")) {
            close(ref);
            ref.classList.add("cite__ref--dismissed");
            dismissed = true;
          }
        });
        if (dismissed) event.stopPropagation();
        return;
      }
      lastPointer = "";
    }, true);

    document.addEventListener("mouseover", function (event) {
      if (lastPointer === "touch") return;
      var ref = refOf(event.target);
      if (ref && !ref.classList.contains("cite__ref--open") && !ref.classList.contains("cite__ref--dismissed")) {
        var from = refOf(event.relatedTarget);
        if (from !== ref) open(ref);
      }
    });

    document.addEventListener("mouseout", function (event) {
      var ref = refOf(event.target);
      if (!ref || ref.contains(event.relatedTarget)) return;
      ref.classList.remove("cite__ref--dismissed");
      if (!ref.classList.contains("cite__ref--pinned") && !ref.contains(document.activeElement)) close(ref);
    });

    document.addEventListener("focusin", function (event) {
      var ref = refOf(event.target);
      if (ref && !ref.classList.contains("cite__ref--open")) open(ref);
    });

    document.addEventListener("focusout", function (event) {
      var ref = refOf(event.target);
      if (!ref || ref.contains(event.relatedTarget)) return;
      ref.classList.remove("cite__ref--dismissed");
      if (!ref.classList.contains("cite__ref--pinned") && !ref.matches(":hover")) close(ref);
    });

    // Capture phase on window: runs before Material's instant-navigation handler
    // on document, so a first tap can be kept from navigating.
    window.addEventListener("click", function (event) {
      var ref = refOf(event.target);
      if (!ref || !isTouch()) return;
      var link = locatorOf(ref);
      if (!link || link.tagName !== "A") return;
      var onPreview = event.target.closest(".cite__preview");
      if (ref.classList.contains("cite__ref--pinned")) {
        // Second tap: on the locator the link navigates by itself; on the preview, follow it.
        if (onPreview) {
          event.preventDefault();
          event.stopPropagation();
          link.click();
          close(ref);
        }
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      closeAll(ref);
      open(ref);
      ref.classList.add("cite__ref--pinned");
    }, true);

    window.addEventListener("scroll", function () {
      document.querySelectorAll(".cite__ref--open").forEach(place);
    }, { passive: true, capture: true });

    window.addEventListener("resize", function () {
      document.querySelectorAll(".cite__ref--open").forEach(place);
    });
  }

  // Material's instant navigation swaps the page without reloading: start each
  // page with no preview left open.
  document$.subscribe(function () {
    lastPointer = "";
    closeAll(null);
  });
})();
