"""The JavaScript of nnlab's live views (see ``live.py``), as ES modules in Python strings.

Why a Python file: marimo's WASM export bundles a local package as a wheel of its ``.py``
files only, and a static page or an offline machine must not fetch the code from anywhere,
so the script travels inside a module. It names no URL (a test scans it).

``VIEW_ESM`` keeps one canvas per picture for the life of the widget and redraws it when
Python sends a new ``frame``: curves (lines, log or linear axis with ticks, threshold,
legend, a hover read-out), a decision boundary (a shaded image from Python, the 0.5 contour,
points), a network diagram and an HTML table. It computes nothing about the network: every
number comes from Python. On a static page (no kernel) it also offers the pre-computed
``frames`` behind its own small controls.

``PLAYER_ESM`` is a play / pause / step / reset bar with an epoch scrubber. While playing it
asks Python for the next epoch only after Python answered the last request, so a slow kernel
lowers the frame rate instead of queueing work.
"""

VIEW_ESM = r"""
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const TITLE_FONT = '600 14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const INK = '#333333', MUTED = '#666666', GRID = '#e6e6e6', WARN = '#B03A2E';

function isStatic() { return typeof window !== 'undefined' && window.__MARIMO_STATIC__ !== undefined; }

function sizeCanvas(canvas, w, h) {
  const r = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * r) || canvas.height !== Math.round(h * r)) {
    canvas.width = Math.round(w * r); canvas.height = Math.round(h * r);
    canvas.style.width = w + 'px'; canvas.style.height = h + 'px';
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(r, 0, 0, r, 0, 0);
  return ctx;
}

// An image sent as {w, h, rgb: base64 bytes} onto a small canvas of its own, painted at once
// (a PNG would have to be decoded first, which lands the picture a frame or more later).
function pixelsCanvas(image, reuse) {
  const bytes = atob(image.rgb), n = image.w * image.h;
  const canvas = reuse && reuse.width === image.w && reuse.height === image.h ? reuse : document.createElement('canvas');
  canvas.width = image.w; canvas.height = image.h;
  const ctx = canvas.getContext('2d'), data = ctx.createImageData(image.w, image.h), px = data.data;
  for (let i = 0; i < n; i++) {
    px[4 * i] = bytes.charCodeAt(3 * i); px[4 * i + 1] = bytes.charCodeAt(3 * i + 1);
    px[4 * i + 2] = bytes.charCodeAt(3 * i + 2); px[4 * i + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
  return canvas;
}

function niceStep(span, count) {
  const raw = span / Math.max(1, count), mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}
function linearTicks(lo, hi, count) {
  return stepTicks(lo, hi, niceStep(hi - lo, count));
}
function stepTicks(lo, hi, step) {
  if (!(hi > lo)) return [lo];
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}
// The step of an x axis whose labels do not touch: up to six ticks, fewer when the labels are
// wide for the chart ("8000" every 1000 does not fit 240 px).
function roomyStep(lo, hi, px, ctx) {
  const label = Math.max(ctx.measureText(fmt(lo)).width, ctx.measureText(fmt(hi)).width) + 10;
  let step = niceStep(hi - lo, 6);
  for (let count = 5; count >= 1 && (step / (hi - lo)) * px < label; count--) step = niceStep(hi - lo, count);
  return step;
}
function fmt(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(+v.toPrecision(4));
}

// ------------------------------------------------------------------ curves
function logTicks(l0, l1) {  // powers of ten, every k-th when there are many decades
  const k = Math.max(1, Math.ceil((l1 - l0) / 6)), t = [];
  for (let p = Math.ceil(l0 - 1e-9); p <= l1 + 1e-9; p++) if (p % k === 0) t.push(Math.pow(10, p));
  return t;
}

function curvesPanel(box) {
  let W = 360, H = 220;
  const M = {l: 64, r: 16, t: 40, b: 38};
  const head = document.createElement('div'); head.className = 'nnlab-head';
  const canvas = document.createElement('canvas'), overlay = document.createElement('canvas');
  const stack = document.createElement('div'); stack.className = 'nnlab-stack';
  stack.append(canvas, overlay); box.append(head, stack);
  let data = null, logToggle = null, log = false, userLog = null, scaleX = null, scaleY = null;

  function yDomain(series) {
    let lo = Infinity, hi = -Infinity;
    const all = series.map((s) => s.y).concat((data.bands || []).flatMap((b) => [b.lo, b.hi]));
    for (const ys of all) for (const v of ys) if (v !== null && (!log || v > 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (data.threshold != null && (!log || data.threshold > 0)) { lo = Math.min(lo, data.threshold); hi = Math.max(hi, data.threshold); }
    if (data.y_domain) return data.y_domain;
    if (!isFinite(lo)) return log ? [0.001, 1] : [0, 1];
    if (log) return [Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi)))];
    lo = Math.min(0, lo); hi = hi > lo ? hi : lo + 1;
    const step = niceStep(hi - lo, 5);  // a nice domain: the axis ends on labelled ticks
    return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
  }

  // The head: the title, then the legend (wrapping onto as many rows as it needs), then
  // notes; the plot starts below them.
  function headLayout(ctx) {
    ctx.font = FONT;
    const rows = [];
    const entries = data.series.concat((data.bands || []).map((b) => ({...b, band: true})));
    if (entries.length > 1) {
      let x = M.l, row = [];
      for (const s of entries) {
        const w = ctx.measureText(s.name).width + 34;
        if (row.length && x + w > W) { rows.push(row); row = []; x = M.l; }
        row.push([s, x]); x += w;
      }
      rows.push(row);
    }
    const notes = data.notes && data.notes.length ? 1 : 0;
    return {rows, notes, top: Math.max(40, 24 + 16 * (rows.length + notes) + 6)};
  }

  function draw() {
    W = data.width || 360;
    let ctx = sizeCanvas(canvas, W, 10);
    const head = headLayout(ctx);
    M.t = head.top;
    H = (data.height || 220) + M.t - 40;
    ctx = sizeCanvas(canvas, W, H); sizeCanvas(overlay, W, H).clearRect(0, 0, W, H);
    ctx.clearRect(0, 0, W, H);
    const series = data.series, pw = W - M.l - M.r, ph = H - M.t - M.b;
    let xmin = data.x_min || 0, xmax = data.x_log ? data.x_max : Math.max(xmin + 1e-9, data.x_max);
    // An epoch axis ends on a labelled tick (300 epochs are drawn up to loss[299], and an axis
    // stopping at 299 with its last label at 250 reads as a cut-off chart).
    ctx.font = FONT;
    const xStep = data.x_log ? null : roomyStep(xmin, xmax, pw, ctx);
    if (!data.x_log && (data.x_title || 'epoch') === 'epoch') {
      xmax = Math.ceil(xmax / xStep - 1e-9) * xStep;
    }
    const [y0, y1] = yDomain(series);
    const ly0 = Math.log10(y0), ly1 = Math.log10(y1);
    const lx0 = Math.log10(xmin || 1), lx1 = Math.log10(xmax || 10);
    scaleX = data.x_log ? (x) => M.l + ((Math.log10(x) - lx0) / (lx1 - lx0)) * pw
                        : (x) => M.l + ((x - xmin) / (xmax - xmin)) * pw;
    scaleY = log ? (v) => M.t + ph - ((Math.log10(v) - ly0) / (ly1 - ly0)) * ph
                 : (v) => M.t + ph - ((v - y0) / (y1 - y0)) * ph;
    ctx.font = FONT; ctx.fillStyle = MUTED; ctx.strokeStyle = GRID; ctx.lineWidth = 1;
    // y grid and labels
    const yt = log ? logTicks(Math.round(ly0), Math.round(ly1)) : linearTicks(y0, y1, 5);
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    for (const v of yt) {
      const y = scaleY(v); if (y < M.t - 1 || y > M.t + ph + 1) continue;
      ctx.beginPath(); ctx.moveTo(M.l, y); ctx.lineTo(M.l + pw, y); ctx.stroke();
      ctx.fillText(data.percent ? Math.round(v * 100) + '%' : fmt(v), M.l - 6, y);
    }
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    const xt = data.x_log ? logTicks(lx0, lx1) : stepTicks(xmin, xmax, xStep);
    for (const v of xt) {
      const x = scaleX(v); ctx.beginPath(); ctx.moveTo(x, M.t + ph); ctx.lineTo(x, M.t + ph + 4); ctx.strokeStyle = MUTED; ctx.stroke();
      ctx.fillText(fmt(v), x, M.t + ph + 6);
    }
    ctx.strokeStyle = MUTED; ctx.beginPath(); ctx.moveTo(M.l, M.t); ctx.lineTo(M.l, M.t + ph); ctx.lineTo(M.l + pw, M.t + ph); ctx.stroke();
    ctx.fillStyle = INK; ctx.fillText(data.x_title || 'epoch', M.l + pw / 2, H - 16);
    ctx.save(); ctx.translate(11, M.t + ph / 2); ctx.rotate(-Math.PI / 2); ctx.textBaseline = 'middle';
    ctx.fillText((data.y_title || '') + (log ? ' (log scale)' : ''), 0, 0); ctx.restore();
    // threshold
    if (data.threshold != null && (!log || data.threshold > 0)) {
      const y = scaleY(data.threshold);
      ctx.save(); ctx.setLineDash([2, 4]); ctx.strokeStyle = MUTED; ctx.beginPath(); ctx.moveTo(M.l, y); ctx.lineTo(M.l + pw, y); ctx.stroke(); ctx.restore();
      ctx.textAlign = 'left'; ctx.textBaseline = 'bottom'; ctx.fillStyle = MUTED;
      ctx.fillText('threshold ' + fmt(data.threshold), M.l + 4, y - 2);
    }
    // bands (many runs' spread), then lines
    ctx.save(); ctx.beginPath(); ctx.rect(M.l, M.t - 2, pw + 2, ph + 4); ctx.clip();
    const xs = series.length ? series[0].x : [];
    for (const b of data.bands || []) {
      ctx.globalAlpha = b.alpha; ctx.fillStyle = b.color; ctx.beginPath();
      const ok = (i) => b.lo[i] !== null && b.hi[i] !== null && (!log || (b.lo[i] > 0 && b.hi[i] > 0));
      const idx = xs.map((_, i) => i).filter(ok);
      idx.forEach((i, k) => { const x = scaleX(xs[i]), y = scaleY(b.hi[i]); if (k) ctx.lineTo(x, y); else ctx.moveTo(x, y); });
      for (const i of idx.slice().reverse()) ctx.lineTo(scaleX(xs[i]), scaleY(b.lo[i]));
      ctx.closePath(); ctx.fill(); ctx.globalAlpha = 1;
    }
    for (const s of series) {
      ctx.strokeStyle = s.color; ctx.lineWidth = s.width || 2; ctx.setLineDash(s.dash ? [6, 4] : []);
      ctx.beginPath(); let pen = false;
      for (let i = 0; i < s.y.length; i++) {
        const v = s.y[i]; if (v === null || (log && v <= 0)) { pen = false; continue; }
        const x = scaleX(s.x[i]), y = scaleY(v);
        if (pen) ctx.lineTo(x, y); else { ctx.moveTo(x, y); pen = true; }
      }
      ctx.stroke();
      if (data.dots) {
        ctx.fillStyle = s.color;
        for (let i = 0; i < s.y.length; i++) {
          const v = s.y[i]; if (v === null || (log && v <= 0)) continue;
          ctx.beginPath(); ctx.arc(scaleX(s.x[i]), scaleY(v), 3.5, 0, 2 * Math.PI); ctx.fill();
        }
      }
    }
    ctx.restore(); ctx.setLineDash([]);
    // title, notes and legend
    ctx.textAlign = 'left'; ctx.textBaseline = 'top'; ctx.font = TITLE_FONT; ctx.fillStyle = INK;
    ctx.fillText(data.title || '', 4, 2);
    ctx.font = FONT;
    head.rows.forEach((row, r) => {
      const y = 21 + 16 * r;
      for (const [s, x] of row) {
        if (s.band) {  // a band: a filled swatch
          ctx.globalAlpha = s.alpha; ctx.fillStyle = s.color; ctx.fillRect(x, y + 1, 16, 10); ctx.globalAlpha = 1;
        } else {
          ctx.strokeStyle = s.color; ctx.lineWidth = 2; ctx.setLineDash(s.dash ? [6, 4] : []);
          ctx.beginPath(); ctx.moveTo(x, y + 6); ctx.lineTo(x + 16, y + 6); ctx.stroke(); ctx.setLineDash([]);
        }
        ctx.fillStyle = INK; ctx.fillText(s.name, x + 20, y);
      }
    });
    if (head.notes) { ctx.fillStyle = WARN; ctx.fillText(data.notes.join('; '), 4, 21 + 16 * head.rows.length); }
  }

  function hover(ev) {
    if (!data || !scaleX) return;
    const rect = overlay.getBoundingClientRect(), px = ev.clientX - rect.left;
    const ctx = sizeCanvas(overlay, W, H); ctx.clearRect(0, 0, W, H);
    const pw = W - M.l - M.r;
    if (px < M.l || px > M.l + pw) return;
    const lines = [];
    for (const s of data.series) {  // the nearest point of each line, in pixels
      let best = -1, dist = Infinity;
      for (let i = 0; i < s.x.length; i++) { const d = Math.abs(scaleX(s.x[i]) - px); if (d < dist) { dist = d; best = i; } }
      if (best >= 0 && s.y[best] !== null) lines.push([s, s.x[best], s.y[best]]);
    }
    if (!lines.length) return;
    const x = scaleX(lines[0][1]);
    ctx.strokeStyle = '#888'; ctx.beginPath(); ctx.moveTo(x, M.t); ctx.lineTo(x, H - M.b); ctx.stroke();
    ctx.font = FONT;
    const text = [(data.x_title || 'epoch') + ' ' + fmt(lines[0][1]), ...lines.map(([s, , v]) => s.name + ': ' + (data.percent ? (v * 100).toFixed(0) + '%' : fmt(v)))];
    const tw = Math.max(...text.map((t) => ctx.measureText(t).width)) + 12, th = text.length * 15 + 8;
    const bx = x + tw + 12 > W ? x - tw - 8 : x + 8;
    ctx.fillStyle = 'rgba(255,255,255,0.93)'; ctx.strokeStyle = '#bbb'; ctx.fillRect(bx, M.t, tw, th); ctx.strokeRect(bx, M.t, tw, th);
    ctx.fillStyle = INK; ctx.textAlign = 'left'; ctx.textBaseline = 'top';
    text.forEach((t, i) => ctx.fillText(t, bx + 6, M.t + 5 + i * 15));
  }
  overlay.addEventListener('mousemove', hover);
  overlay.addEventListener('mouseleave', () => sizeCanvas(overlay, W, H).clearRect(0, 0, W, H));

  return {
    update(d) {
      data = d;
      if (d.log_toggle && !logToggle) {
        const label = document.createElement('label'); logToggle = document.createElement('input');
        logToggle.type = 'checkbox'; label.append(logToggle, ' log scale'); head.append(label);
        logToggle.addEventListener('change', () => { userLog = logToggle.checked; log = userLog; draw(); });
      }
      log = userLog === null ? !!d.log : userLog;
      if (logToggle) logToggle.checked = log;
      draw();
    },
  };
}

// ------------------------------------------------------------------ boundary
function boundaryPanel(box, model) {
  const M = {l: 46, r: 12, t: 30, b: 40};
  const canvas = document.createElement('canvas'); box.append(canvas);
  let pixels = null, shown = null, geom = null;
  function paint(d, img) {
    M.t = d.legend ? 44 : 30;  // a colour legend gets its own line under the title
    const S = d.size || 260, W = S + M.l + M.r, H = S + M.t + M.b;  // (a page may ask smaller)
    const ctx = sizeCanvas(canvas, W, H); ctx.clearRect(0, 0, W, H);
    const [x0, x1, y0, y1] = d.extent;
    geom = {S, x0, x1, y0, y1};
    const sx = (x) => M.l + ((x - x0) / (x1 - x0)) * S, sy = (y) => M.t + S - ((y - y0) / (y1 - y0)) * S;
    if (img) ctx.drawImage(img, M.l, M.t, S, S); else { ctx.fillStyle = '#f4f4f4'; ctx.fillRect(M.l, M.t, S, S); }
    ctx.strokeStyle = INK; ctx.lineWidth = 2; ctx.beginPath();
    for (const [xa, ya, xb, yb] of d.contour || []) { ctx.moveTo(sx(xa), sy(ya)); ctx.lineTo(sx(xb), sy(yb)); }
    ctx.stroke();
    const r = d.points && d.points.length > 60 ? 3.5 : 7;
    for (const [x, y, c, test] of d.points || []) {
      ctx.beginPath(); ctx.arc(sx(x), sy(y), r, 0, 2 * Math.PI);
      const colour = d.colors[c % d.colors.length];
      if (test) {
        ctx.fillStyle = '#fff'; ctx.fill(); ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.stroke();
        if (d.point_stroke) {  // (a pale colour on a pale map: a thin dark rim keeps it seen)
          ctx.beginPath(); ctx.arc(sx(x), sy(y), r + 1.2, 0, 2 * Math.PI);
          ctx.strokeStyle = d.point_stroke; ctx.lineWidth = 0.6; ctx.stroke();
        }
      }
      else { ctx.fillStyle = colour; ctx.fill(); ctx.strokeStyle = d.point_stroke || '#fff'; ctx.lineWidth = d.point_stroke ? 0.8 : 1.2; ctx.stroke(); }
    }
    ctx.strokeStyle = MUTED; ctx.lineWidth = 1; ctx.strokeRect(M.l, M.t, S, S);
    ctx.font = FONT; ctx.fillStyle = MUTED; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (const v of linearTicks(x0, x1, 5)) ctx.fillText(fmt(v), sx(v), M.t + S + 4);
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    for (const v of linearTicks(y0, y1, 5)) ctx.fillText(fmt(v), M.l - 5, sy(v));
    ctx.fillStyle = INK; ctx.textAlign = 'center'; ctx.textBaseline = 'bottom';
    ctx.fillText(d.x_title || 'x1', M.l + S / 2, H - 2);
    ctx.save(); ctx.translate(12, M.t + S / 2); ctx.rotate(-Math.PI / 2); ctx.textBaseline = 'middle';
    ctx.fillText(d.y_title || 'x2', 0, 0); ctx.restore();
    ctx.font = TITLE_FONT; ctx.textAlign = 'left'; ctx.textBaseline = 'top'; ctx.fillText(d.title || '', 4, 4);
    if (d.legend) { ctx.font = FONT; ctx.fillStyle = MUTED; ctx.fillText(d.legend, 4, 22); }  // a colour scale in words
    if (d.caption) { ctx.font = FONT; ctx.fillStyle = MUTED; ctx.textAlign = 'center'; ctx.textBaseline = 'middle'; ctx.fillText(d.caption, M.l + S / 2, M.t + 14); }
  }
  // Drawing your own points (when the panel carries `draw`): a toolbar of classes, an eraser
  // and "clear"; a click adds a point of the chosen class, a drag with the eraser removes
  // points. The points go to Python in the model's `drawn` list after each stroke, and are
  // drawn at once (all filled) until the retrained picture comes back.
  let tools = null, mode = 0, local = [], erasing = false, changed = false;
  const toData = (ev) => {
    const {S, x0, x1, y0, y1} = geom, px = ev.offsetX - M.l, py = ev.offsetY - M.t;
    if (px < 0 || py < 0 || px > S || py > S) return null;
    return [x0 + (px / S) * (x1 - x0), y1 - (py / S) * (y1 - y0)];
  };
  function showLocal() {
    paint({...shown, points: local.map(([x, y, c]) => [x, y, c, 0])}, pixels);
  }
  function send() {
    model.set('drawn', local.map((p) => p.slice())); model.save_changes(); showLocal();
  }
  function erase(ev) {
    const {S, x0, x1} = geom, radius = (14 / S) * (x1 - x0), at = toData(ev);
    if (!at) return;
    const keep = local.filter(([x, y]) => Math.hypot(x - at[0], y - at[1]) > radius);
    if (keep.length !== local.length) { local = keep; changed = true; showLocal(); }
  }
  function toolbar(d) {
    tools = document.createElement('div'); tools.className = 'nnlab-draw';
    tools.dataset.needsKernel = '';  // (a static copy of the page freezes it: nothing retrains there)
    const buttons = [];
    const pick = (m) => { mode = m; buttons.forEach(([b, k]) => b.setAttribute('aria-pressed', String(k === m))); };
    const add = (text, title, m, colour) => {
      const b = document.createElement('button'); b.type = 'button'; b.textContent = text; b.title = title;
      if (colour) b.style.setProperty('--swatch', colour);
      b.addEventListener('click', () => (m === 'clear' ? (local = [], send()) : pick(m)));
      tools.append(b); if (m !== 'clear') buttons.push([b, m]);
    };
    const label = document.createElement('span'); label.textContent = 'draw:'; tools.append(label);
    for (let c = 0; c < d.draw.classes; c++) add(String(c), 'class ' + c + ': click on the picture to add a point of this class', c, d.colors[c]);
    add('erase', 'drag over points to remove them', 'erase');
    add('clear', 'remove every point', 'clear');
    box.prepend(tools); pick(0);
    local = (model.get('drawn') || []).map((p) => p.slice());
    model.on('change:drawn', () => { local = (model.get('drawn') || []).map((p) => p.slice()); });
    canvas.style.cursor = 'crosshair';
    canvas.addEventListener('pointerdown', (ev) => {
      if (!shown || !shown.draw || !geom) return;
      if (document.documentElement.hasAttribute('data-nnlab-controls-frozen')) return;  // a static copy
      if (mode === 'erase') { erasing = true; changed = false; canvas.setPointerCapture(ev.pointerId); erase(ev); return; }
      const at = toData(ev);
      if (!at || local.length >= (shown.draw.max || 300)) return;
      local.push([+at[0].toFixed(3), +at[1].toFixed(3), mode]); send();
    });
    canvas.addEventListener('pointermove', (ev) => { if (erasing) erase(ev); });
    const stop = () => { if (erasing) { erasing = false; if (changed) send(); } };
    canvas.addEventListener('pointerup', stop); canvas.addEventListener('pointercancel', stop);
  }
  return {
    update(d) {
      shown = d;
      if (d.draw && !tools && model) toolbar(d);
      if (tools) tools.style.display = d.draw ? '' : 'none';
      pixels = d.image ? pixelsCanvas(d.image, pixels) : null;
      paint(d, pixels);
    },
  };
}

// ------------------------------------------------------------------ network
function networkPanel(box) {
  const canvas = document.createElement('canvas'); box.append(canvas);
  function paint(d, images) {
    const W = d.width || 340;
    // Taller for taller layers: every neuron (and its map) keeps room to be read.
    const H = Math.max(250, 60 + (Math.max(...d.sizes) > 8 ? 30 : 36) * Math.max(...d.sizes));
    const ctx = sizeCanvas(canvas, W, H); ctx.clearRect(0, 0, W, H);
    const sizes = d.sizes, L = sizes.length, top = 34, bottom = 24;
    // Room on the left for input names too long for their circle (they are written beside it).
    const R0 = Math.max(8, Math.min(images ? 16 : 18, (H - top - bottom) / (2.4 * Math.max(...sizes))));
    ctx.font = FONT;
    const long = ((d.names && d.names[0]) || []).filter((n) => ctx.measureText(n).width > 2 * R0 - 6);
    ctx.font = FONT.replace('12px', '10px');
    const left = Math.max(40, ...long.map((n) => R0 + 8 + ctx.measureText(n).width));
    ctx.font = FONT;  // and on the right for the output biases ("b 0.003353")
    const outBias = d.biases && sizes[L - 1] <= 4 && L <= 4 ? d.biases[L - 2] || [] : [];
    const right = Math.max(78, ...outBias.map((b) => R0 + 10 + ctx.measureText('b ' + fmt(b)).width));
    const colX = (l) => left + (l * (W - left - right)) / Math.max(1, L - 1);
    const rowY = (l, i) => top + ((i + 0.5) * (H - top - bottom)) / sizes[l];
    let wmax = 1e-12;
    for (const layer of d.weights) for (const row of layer) for (const w of row) wmax = Math.max(wmax, Math.abs(w));
    const few = d.weights.reduce((n, layer) => n + layer.length * layer[0].length, 0) <= 16;
    const labels = [];
    d.weights.forEach((layer, l) => layer.forEach((row, i) => row.forEach((w, j) => {
      const xa = colX(l), ya = rowY(l, i), xb = colX(l + 1), yb = rowY(l + 1, j);
      ctx.strokeStyle = w >= 0 ? d.colors[1] : d.colors[0];
      ctx.globalAlpha = 0.85; ctx.lineWidth = 0.6 + 5.4 * Math.abs(w) / wmax;
      ctx.beginPath(); ctx.moveTo(xa, ya); ctx.lineTo(xb, yb); ctx.stroke(); ctx.globalAlpha = 1;
      if (few) labels.push([xa, ya, xb, yb, fmt(w)]);
    })));
    ctx.font = FONT; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    const R = R0;
    for (const [xa, ya, xb, yb, t] of labels) {
      // Each label sits on its edge just clear of the edge's source neuron, where the edges
      // leaving one neuron are still apart.
      const w = ctx.measureText(t).width + 6, len = Math.hypot(xb - xa, yb - ya) || 1;
      const ux = (xb - xa) / len, uy = (yb - ya) / len;
      const away = R + 4 + (w / 2) * Math.abs(ux) + 8 * Math.abs(uy);
      const x = xa + ux * away, y = ya + uy * away;
      ctx.fillStyle = 'rgba(255,255,255,0.9)'; ctx.fillRect(x - w / 2, y - 8, w, 16);
      ctx.fillStyle = INK; ctx.fillText(t, x, y);
    }
    sizes.forEach((n, l) => { for (let i = 0; i < n; i++) {
      const x = colX(l), y = rowY(l, i), img = images && images[l] && images[l][i];
      if (img) {  // the neuron's activation over the input plane, in a square
        ctx.drawImage(img, x - R, y - R, 2 * R, 2 * R);
        ctx.strokeStyle = INK; ctx.lineWidth = 1.2; ctx.strokeRect(x - R, y - R, 2 * R, 2 * R);
      } else {
        ctx.beginPath(); ctx.arc(x, y, R, 0, 2 * Math.PI); ctx.fillStyle = '#fff'; ctx.fill();
        ctx.strokeStyle = INK; ctx.lineWidth = 1.5; ctx.stroke();
        const name = d.names && d.names[l] ? d.names[l][i] : '';
        const value = d.values && d.values[l] ? d.values[l][i] : null;
        ctx.fillStyle = INK; ctx.font = FONT;
        if (value !== null && value !== undefined) {  // the activation inside, the name above
          const t = fmt(+value.toFixed(3));  // (smaller when it would touch the circle's rim)
          if (ctx.measureText(t).width > 2 * R - 9) ctx.font = FONT.replace('12px', '10px');
          ctx.fillText(t, x, y); ctx.font = FONT;
          ctx.fillStyle = MUTED; ctx.fillText(name, x, y - R - 8);
        } else if (R >= 11 && ctx.measureText(name).width <= 2 * R - 6) ctx.fillText(name, x, y);
        else if (l === 0 && name) {  // a long input name (sin x1) goes left of its circle
          ctx.font = FONT.replace('12px', '10px'); ctx.textAlign = 'right';
          ctx.fillText(name, x - R - 3, y); ctx.textAlign = 'center'; ctx.font = FONT;
        }
      }
      if (l > 0 && d.biases && sizes[l] <= 4 && L <= 4) {
        const t = 'b ' + fmt(d.biases[l - 1][i]), tw = ctx.measureText(t).width;
        const bx = l === L - 1 ? x + R + 4 : x - tw / 2, by = l === L - 1 ? y : y + R + 9;
        ctx.fillStyle = 'rgba(255,255,255,0.9)'; ctx.fillRect(bx - 2, by - 7, tw + 4, 14);  // no edge crosses it
        ctx.fillStyle = MUTED; ctx.textAlign = 'left';
        ctx.fillText(t, bx, by);
        ctx.textAlign = 'center';
      }
    } });
    ctx.font = TITLE_FONT; ctx.textAlign = 'left'; ctx.textBaseline = 'top'; ctx.fillStyle = INK;
    ctx.fillText(d.title || '', 4, 4);
  }
  return {
    update(d) {
      paint(d, d.maps ? d.maps.map((layer) => layer.map((m) => m ? pixelsCanvas(m) : null)) : null);
    },
  };
}

// ------------------------------------------------------------------ bars
function barsPanel(box) {
  const W = 360, H = 240, M = {l: 52, r: 14, t: 40, b: 38};
  const canvas = document.createElement('canvas'); box.append(canvas);
  return {
    update(d) {
      const ctx = sizeCanvas(canvas, W, H); ctx.clearRect(0, 0, W, H);
      const pw = W - M.l - M.r, ph = H - M.t - M.b, e = d.edges;
      const x0 = e[0], x1 = e[e.length - 1], top = Math.max(1, ...d.counts);
      const step = niceStep(top, 4), y1 = Math.ceil(top / step) * step;
      const sx = (x) => M.l + ((x - x0) / (x1 - x0)) * pw, sy = (v) => M.t + ph - (v / y1) * ph;
      ctx.font = FONT; ctx.strokeStyle = GRID; ctx.fillStyle = MUTED; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
      for (let v = 0; v <= y1 + 1e-9; v += Math.max(1, step)) {
        ctx.beginPath(); ctx.moveTo(M.l, sy(v)); ctx.lineTo(M.l + pw, sy(v)); ctx.stroke(); ctx.fillText(fmt(v), M.l - 6, sy(v));
      }
      ctx.fillStyle = '#4E79A7';
      d.counts.forEach((n, i) => { if (n) ctx.fillRect(sx(e[i]) + 0.5, sy(n), Math.max(1, sx(e[i + 1]) - sx(e[i]) - 1), sy(0) - sy(n)); });
      ctx.strokeStyle = MUTED; ctx.beginPath(); ctx.moveTo(M.l, M.t); ctx.lineTo(M.l, M.t + ph); ctx.lineTo(M.l + pw, M.t + ph); ctx.stroke();
      ctx.fillStyle = MUTED; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
      for (const v of linearTicks(x0, x1, 6)) ctx.fillText(fmt(v), sx(v), M.t + ph + 6);
      ctx.fillStyle = INK; ctx.fillText(d.x_title, M.l + pw / 2, H - 16);
      ctx.save(); ctx.translate(12, M.t + ph / 2); ctx.rotate(-Math.PI / 2); ctx.textBaseline = 'middle'; ctx.fillText(d.y_title, 0, 0); ctx.restore();
      ctx.textAlign = 'left'; ctx.font = TITLE_FONT; ctx.fillText(d.title || '', 4, 2);
      ctx.font = FONT; ctx.fillStyle = MUTED; ctx.fillText(d.subtitle || '', 4, 21);
    },
  };
}

// ------------------------------------------------------------------ table
function tablePanel(box) {
  const holder = document.createElement('div'); box.append(holder);
  let last = null;
  // The table is HTML that nnlab wrote and escaped (tables.outputs_html).
  return { update(d) { if (d.html !== last) { holder.innerHTML = d.html; last = d.html; } } };
}

const MAKERS = {curves: curvesPanel, boundary: boundaryPanel, network: networkPanel, bars: barsPanel, table: tablePanel};

function render({ model, el }) {
  const root = document.createElement('div'); root.className = 'nnlab-live';
  const bar = document.createElement('div'); bar.className = 'nnlab-explore';
  const grid = document.createElement('div'); grid.className = 'nnlab-grid';
  root.append(bar, grid); el.append(root);
  const panels = new Map();   // name -> {box, panel}: created once, kept for the widget's life

  const columns = new Map();   // column index -> element (a frame may lay panels out in columns)
  function home(frame, name) {
    const layout = frame.columns || [];
    const c = layout.findIndex((col) => col.includes(name));
    if (c < 0) return grid;
    if (!columns.has(c)) { const col = document.createElement('div'); col.className = 'nnlab-column'; grid.append(col); columns.set(c, col); }
    return columns.get(c);
  }

  function draw(frame) {
    if (!frame || !frame.panels) return;
    const shown = new Set();
    for (const p of frame.panels) {
      let entry = panels.get(p.name);
      if (!entry || entry.kind !== p.kind) {
        const box = document.createElement('div'); box.className = 'nnlab-panel'; box.dataset.panel = p.name;
        home(frame, p.name).append(box);
        entry = {kind: p.kind, box, panel: MAKERS[p.kind](box, model)};
        panels.set(p.name, entry);
      }
      entry.box.style.display = ''; shown.add(p.name);
      entry.panel.update(p);
    }
    for (const [name, entry] of panels) if (!shown.has(name)) entry.box.style.display = 'none';
    root.dataset.epoch = frame.epoch == null ? '' : String(frame.epoch);
  }

  // On a static page there is no Python to ask: offer the pre-computed frames instead.
  const explore = model.get('explore');
  if (isStatic() && explore && explore.length) {
    document.documentElement.dataset.nnlabStatic = '1';
    const state = {}, frames = model.get('frames');
    const note = document.createElement('p'); note.className = 'nnlab-note';
    note.textContent = 'Static copy: these controls switch between runs computed when the page was made. The other controls need the live lesson.';
    bar.append(note);
    for (const c of explore) {
      state[c.name] = c.value;
      const label = document.createElement('label');
      label.append(c.label + ' ');
      let input;
      if (c.kind === 'slider') {
        input = document.createElement('input'); input.type = 'range'; input.min = 0; input.max = c.options.length - 1; input.step = 1;
        input.value = String(c.options.findIndex((o) => o[0] === c.value));
        const out = document.createElement('output'); out.textContent = c.options[+input.value][1];
        input.addEventListener('input', () => { const o = c.options[+input.value]; out.textContent = o[1]; state[c.name] = o[0]; show(); });
        label.append(input, ' ', out);
      } else {
        input = document.createElement('select');
        for (const [v, text] of c.options) { const o = document.createElement('option'); o.value = v; o.textContent = text; input.append(o); }
        input.value = c.value;
        input.addEventListener('change', () => { state[c.name] = input.value; show(); });
        label.append(input);
      }
      input.setAttribute('aria-label', c.label); input.dataset.explore = c.name;
      bar.append(label);
    }
    function show() { const f = frames[explore.map((c) => state[c.name]).join('|')]; if (f) draw(f); }
  } else {
    bar.style.display = 'none';
  }

  draw(model.get('frame'));
  model.on('change:frame', () => draw(model.get('frame')));
}

export default { render };
"""

VIEW_CSS = r"""
.nnlab-live { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #333; }
.nnlab-grid { display: flex; flex-wrap: wrap; gap: 14px 18px; align-items: flex-start; }
.nnlab-column { display: flex; flex-direction: column; gap: 14px; }
.nnlab-panel { position: relative; }
.nnlab-draw { display: flex; gap: 5px; flex-wrap: wrap; align-items: center; margin: 0 0 4px 4px;
  width: 0; min-width: calc(100% - 4px); font-size: 12px; color: #555; }  /* never widens its panel */
.nnlab-draw button { font: 12px system-ui, sans-serif; padding: 2px 8px; border: 1px solid #b9c0ca;
  border-radius: 4px; background: #fff; cursor: pointer; }
.nnlab-draw button[style*="--swatch"]::before { content: ""; display: inline-block; width: 9px; height: 9px;
  border-radius: 50%; margin-right: 4px; background: var(--swatch); }
.nnlab-draw button[aria-pressed="true"] { background: #e8eef6; border-color: #4E79A7; font-weight: 600; }
.nnlab-head { display: flex; justify-content: flex-end; min-height: 0; font-size: 12px; color: #555; }
.nnlab-head label { position: absolute; right: 14px; top: 2px; z-index: 2; }
.nnlab-stack { position: relative; }
.nnlab-stack canvas:last-child { position: absolute; left: 0; top: 0; }
.nnlab-explore { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; margin: 0 0 10px;
  padding: 8px 12px; border: 1px solid #d9dde3; border-radius: 6px; background: #f7f8fa; }
.nnlab-explore label { display: flex; align-items: center; gap: 6px; }
.nnlab-note { flex-basis: 100%; margin: 0; color: #555; }
"""

PLAYER_ESM = r"""
function isStatic() { return typeof window !== 'undefined' && window.__MARIMO_STATIC__ !== undefined; }

function render({ model, el }) {
  const root = document.createElement('div'); root.className = 'nnlab-player';
  const button = (text, title) => { const b = document.createElement('button'); b.type = 'button'; b.textContent = text; b.title = title; return b; };
  const play = button('Play', 'train (or replay) from here, chunk by chunk');
  const step = button('Step', 'one chunk of epochs');
  const reset = button('Reset', 'back to epoch 0');
  const scrub = document.createElement('input'); scrub.type = 'range'; scrub.min = 0; scrub.step = 1;
  scrub.setAttribute('aria-label', model.get('label') || 'epoch');
  const counter = document.createElement('span'); counter.className = 'nnlab-counter';
  root.dataset.needsKernel = '';  // every part asks Python for epochs (a static copy freezes it)
  root.append(play, step, reset, scrub, counter); el.append(root);

  let playing = false, waiting = false, pending = null, sentAt = 0;
  // Request numbers are counted here: the model's copy of `serial` can be overwritten by
  // Python echoing an older request back.
  let serial = Math.max(model.get('serial'), model.get('ack'));
  const at = () => model.get('at'), total = () => model.get('total'), chunk = () => Math.max(1, model.get('chunk'));

  function refresh() {
    scrub.max = String(total()); scrub.value = String(at());
    counter.textContent = 'epoch ' + at() + ' of ' + total();
    play.textContent = playing ? 'Pause' : 'Play';
    root.dataset.playing = playing ? '1' : '0';
  }
  function request(target) {
    target = Math.max(0, Math.min(total(), Math.round(target)));
    // One request in flight; keep only the newest. (An answer lost for 3 s is given up.)
    if (waiting && performance.now() - sentAt < 3000) { pending = target; return; }
    waiting = true; pending = null; sentAt = performance.now();
    serial += 1;
    model.set('target', target); model.set('serial', serial); model.save_changes();
  }
  function next() { if (playing) { if (at() >= total()) { playing = false; refresh(); } else request(at() + chunk()); } }

  model.on('change:at', refresh);
  model.on('change:ack', () => queueMicrotask(() => {
    // (after the whole message is applied: `at` may come after `ack` in it)
    if (model.get('ack') < serial) return;   // an answer to an older request
    waiting = false; refresh();
    // The next request goes out with the next animation frame: one picture per frame.
    requestAnimationFrame(() => {
      if (pending !== null) { const t = pending; pending = null; request(t); } else next();
    });
  }));
  model.on('change:total', refresh);
  model.on('change:run_key', () => { playing = false; waiting = false; pending = null; refresh(); });

  play.addEventListener('click', () => {
    playing = !playing; refresh();
    if (playing) { if (at() >= total()) request(0); else if (!waiting) next(); }
  });
  step.addEventListener('click', () => { playing = false; refresh(); request(at() + chunk()); });
  reset.addEventListener('click', () => { playing = false; refresh(); request(0); });
  scrub.addEventListener('input', () => { const t = +scrub.value; playing = false; request(t); refresh(); scrub.value = String(t); });

  if (isStatic()) {
    for (const b of [play, step, reset, scrub]) b.disabled = true;
    counter.textContent += ' (live lesson only: needs Python)';
  }
  refresh();
}

export default { render };
"""

PLAYER_CSS = r"""
.nnlab-player { display: flex; align-items: center; gap: 8px; flex-wrap: wrap;
  font: 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #333; }
.nnlab-player button { font: inherit; padding: 3px 12px; border: 1px solid #b9c0ca; border-radius: 5px;
  background: #fff; cursor: pointer; min-width: 4.5em; }
.nnlab-player button:hover { background: #f0f3f7; }
.nnlab-player input[type=range] { flex: 1 1 220px; min-width: 160px; }
.nnlab-counter { font-variant-numeric: tabular-nums; color: #555; min-width: 9em; }
"""
