/* dlguide: the figures to explore (src/dlguide/plotting/interactive.py).
 *
 * Each <figure class="dlguide-interactive"> carries, in a JSON script element, a plotly
 * figure and every state its controls can choose, all computed when the book was built.
 * This script draws the figure with the site's own plotly.min.js, and on each input event
 * of a control (native range inputs and selects, so the keyboard works) swaps in the chosen
 * state's data with Plotly.restyle and shows its readout. It computes nothing itself.
 */
(function () {
  "use strict";

  const THEMES = {
    light: { font: "#222222", grid: "#e1e1e1", line: "#888888" },
    dark: { font: "#e6e6e6", grid: "#444444", line: "#9a9a9a" },
  };

  function themeUpdate(layout) {
    const mode = document.documentElement.dataset.theme === "dark" ? "dark" : "light";
    const colours = THEMES[mode];
    const update = { "font.color": colours.font };
    Object.keys(layout).forEach((key) => {
      if (/^[xy]axis\d*$/.test(key)) {
        update[key + ".gridcolor"] = colours.grid;
        update[key + ".linecolor"] = colours.line;
        update[key + ".zerolinecolor"] = colours.grid;
      }
    });
    (layout.annotations || []).forEach((_, i) => {
      update["annotations[" + i + "].font.color"] = colours.font;
    });
    return update;
  }

  function applyState(plot, state) {
    Object.entries(state.updates).forEach(([trace, attributes]) => {
      const update = {};
      Object.entries(attributes).forEach(([name, value]) => { update[name] = [value]; });
      Plotly.restyle(plot, update, [Number(trace)]);
    });
  }

  function setUp(root) {
    const spec = JSON.parse(root.querySelector("script.dlguide-interactive-data").textContent);
    const plot = root.querySelector(".dlguide-plot");
    const layout = spec.figure.layout;
    // A figure may carry a layout for narrow charts (its panels stacked): apply it while
    // the chart is narrower than spec.narrow.below pixels, and the wide one otherwise.
    let narrowNow = null;
    const fit = () => {
      if (!spec.narrow) return Promise.resolve();
      const narrow = plot.clientWidth < spec.narrow.below;
      if (narrow === narrowNow) return Promise.resolve();
      narrowNow = narrow;
      // a new height alone would turn autosize off, and the chart would keep plotly's
      // default width of 700 px: keep it following its container
      const update = Object.assign({}, narrow ? spec.narrow.layout : spec.narrow.wide);
      update.autosize = true;
      return Plotly.relayout(plot, update);
    };
    Plotly.newPlot(plot, spec.figure.data, layout, {
      displayModeBar: false, responsive: true, scrollZoom: false,
    }).then(fit).then(() => Plotly.relayout(plot, themeUpdate(layout)));
    window.addEventListener("resize", () => { fit(); });
    new MutationObserver(() => Plotly.relayout(plot, themeUpdate(layout))).observe(
      document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    spec.groups.forEach((group) => {
      const controls = group.controls.map((c) => document.getElementById(c.id));
      const readout = document.getElementById(group.readout);
      const choose = () => {
        const state = group.states[controls.map((c) => c.value).join("-")];
        if (!state) return;
        applyState(plot, state);
        readout.textContent = state.text;
        controls.forEach((control, i) => {
          if (control.type !== "range") return;
          const label = group.controls[i].labels[Number(control.value)];
          control.setAttribute("aria-valuetext", label);
          const shown = document.getElementById(control.id + "-value");
          if (shown) shown.textContent = label;
        });
      };
      controls.forEach((control) => control.addEventListener("input", choose));
    });
    root.classList.add("dlguide-interactive-ready");
  }

  function setUpAll() {
    if (typeof Plotly === "undefined") return;  // the static image stays
    document.querySelectorAll("figure.dlguide-interactive").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
