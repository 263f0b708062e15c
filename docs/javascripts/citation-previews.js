// Citation previews (.cite__ref > .cite__loc + .cite__preview, made by
// reportsite/citations/plugin.py). CSS alone shows a preview on hover and focus
// and keeps it narrower than the viewport; this script adds what CSS cannot:
//  - placement: measured each time a preview is shown, shifted left/right to stay
//    inside the viewport and flipped above the locator when there is no room
//    below (position: fixed, so table scroll boxes do not clip it);
//  - Escape dismisses a visible preview without moving focus (WCAG 1.4.13);
//  - touch: the first tap on a locator shows its preview, a second tap on the
//    locator or a tap on the preview follows the link; a tap elsewhere closes it.
(function () {
  var MARGIN = 8;   // px kept free between a preview and the viewport edge
  var GAP = 4;      // px between the locator and its preview
  var lastPointer = "";

  function refOf(node) {
    return node && node.closest ? node.closest(".cite__ref") : null;
  }

  function previewOf(ref) {
    return ref ? ref.querySelector(".cite__preview") : null;
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

  function open(ref) {
    ref.classList.remove("cite__ref--dismissed");
    ref.classList.add("cite__ref--open");
    place(ref);
  }

  function close(ref) {
    ref.classList.remove("cite__ref--open", "cite__ref--pinned");
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
        document.querySelectorAll(".cite__ref").forEach(function (ref) {
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
      var link = ref.querySelector("a.cite__loc");
      if (!link || !previewOf(ref)) return;
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
