"""Draw a digit: a small canvas whose drawing becomes an 8x8 image the way the data was made,
and the network's ten probabilities for it, redrawn while you draw.

The handwritten digits were made from 32x32 black-and-white bitmaps, normalised to fill the
box, then cut into 4x4 blocks whose inked pixels were counted (0..16). The pad does the same
in the page: it crops the ink to its bounding box, scales that to fit 32x32 (keeping its
shape), thresholds, and counts blocks. ``pixels`` (64 counts) goes back to Python after each
stroke.

The probabilities are worked out in the page too, from the weights Python sends (``layers``),
so the bars move with the pen (no round trip to a kernel) and a static copy of the page still
answers. The page's forward pass knows only what the lesson's networks use (``PAGE_UNITS``);
``layers_for`` refuses any other, and the browser test checks the page's numbers against
``nnlab.forward``.
"""

from __future__ import annotations

import numpy as np
import traitlets

from ..activations import get_activation
from ..network import Network
from .live import LiveView

SCALE = 16.0  # the lessons feed the network pixels / 16, so the page must too
# The hidden and output units the page's forward pass can compute, by registry name.
PAGE_UNITS = ("relu", "identity", "softmax")

_ESM = r"""
const UNITS = {
  relu: v => v.map(x => x > 0 ? x : 0),
  identity: v => v,
  softmax: v => { const m = Math.max(...v); const e = v.map(x => Math.exp(x - m));
                  const s = e.reduce((a, b) => a + b, 0); return e.map(x => x / s); },
};
function forward(layers, pixels, scale) {
  let a = pixels.map(p => p / scale);
  for (const L of layers) {
    const z = new Array(L.fan_out).fill(0);
    for (let j = 0; j < L.fan_out; j++) {
      let s = L.b[j];
      for (let i = 0; i < L.fan_in; i++) s += a[i] * L.W[i * L.fan_out + j];
      z[j] = s;
    }
    a = UNITS[L.unit](z);
  }
  return a;
}
// The data's recipe: ink cropped to its box, scaled into 32x32, thresholded, 4x4 blocks counted.
function eightByEight(canvas) {
  const ctx = canvas.getContext('2d');
  const {width: W, height: H} = canvas;
  const img = ctx.getImageData(0, 0, W, H).data;
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    if (img[(y * W + x) * 4] < 128) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  }
  const out = new Array(64).fill(0);
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1, side = Math.max(bw, bh);
  const small = document.createElement('canvas'); small.width = small.height = 32;
  const sctx = small.getContext('2d');
  sctx.fillStyle = '#fff'; sctx.fillRect(0, 0, 32, 32);
  const dw = 32 * bw / side, dh = 32 * bh / side;
  sctx.drawImage(canvas, x0, y0, bw, bh, (32 - dw) / 2, (32 - dh) / 2, dw, dh);
  const s = sctx.getImageData(0, 0, 32, 32).data;
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
    if (s[(y * 32 + x) * 4] < 128) out[(y >> 2) * 8 + (x >> 2)] += 1;
  }
  return out;
}
function render({model, el}) {
  const root = document.createElement('div'); root.className = 'nnlab-pad';
  root.style.cssText = 'display:flex;gap:18px;align-items:flex-start;font:13px sans-serif';
  const left = document.createElement('div');
  const canvas = document.createElement('canvas'); canvas.width = canvas.height = 224;
  canvas.className = 'nnlab-pad-canvas';
  canvas.style.cssText = 'border:1px solid #888;border-radius:4px;touch-action:none;cursor:crosshair;background:#fff';
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const clear = document.createElement('button'); clear.textContent = 'Clear';
  clear.className = 'nnlab-pad-clear'; clear.style.cssText = 'margin-top:6px';
  const preview = document.createElement('canvas'); preview.width = preview.height = 8;
  preview.style.cssText = 'width:64px;height:64px;image-rendering:pixelated;border:1px solid #ccc;margin-left:10px;vertical-align:top';
  const note = document.createElement('div'); note.style.cssText = 'color:#555;margin-top:4px';
  note.textContent = 'Draw one digit, large, with the mouse or a finger.';
  left.append(canvas, document.createElement('br'), clear, preview, note);
  const bars = document.createElement('div'); bars.className = 'nnlab-pad-bars';
  const rows = [];
  for (let d = 0; d < 10; d++) {
    const row = document.createElement('div'); row.style.cssText = 'display:flex;align-items:center;gap:6px;height:20px';
    const label = document.createElement('b'); label.textContent = d; label.style.width = '12px';
    const track = document.createElement('div'); track.style.cssText = 'width:180px;height:14px;background:#eee;border-radius:3px';
    const bar = document.createElement('div'); bar.style.cssText = 'height:14px;width:0;background:#4c78a8;border-radius:3px';
    const value = document.createElement('span'); value.className = 'nnlab-pad-p'; value.style.width = '48px';
    track.append(bar); row.append(label, track, value); bars.append(row);
    rows.push({bar, value});
  }
  root.append(left, bars); el.append(root);
  function blank() { ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height); }
  blank();
  let pixels = new Array(64).fill(0);
  function paint() {
    const layers = model.get('layers') || [];
    const drawn = pixels.some(p => p > 0);
    const p = drawn && layers.length ? forward(layers, pixels, model.get('scale')) : null;
    const best = p ? p.indexOf(Math.max(...p)) : -1;
    rows.forEach((r, d) => {
      r.bar.style.width = p ? (180 * p[d]).toFixed(1) + 'px' : '0';
      r.bar.style.background = d === best ? '#d62728' : '#4c78a8';
      r.value.textContent = p ? (100 * p[d]).toFixed(1) + ' %' : '';
    });
    bars.dataset.probs = p ? JSON.stringify(p) : '';
    bars.dataset.pixels = JSON.stringify(pixels);
    const pctx = preview.getContext('2d'); const im = pctx.createImageData(8, 8);
    pixels.forEach((v, i) => { const g = 255 - Math.round(255 * v / 16);
      im.data[4 * i] = im.data[4 * i + 1] = im.data[4 * i + 2] = g; im.data[4 * i + 3] = 255; });
    pctx.putImageData(im, 0, 0);
  }
  let drawing = false, last = null, queued = false;
  function update() {
    if (queued) return; queued = true;  // one recount per animation frame, however fast the pen
    requestAnimationFrame(() => { queued = false; pixels = eightByEight(canvas); paint(); });
  }
  function at(e) { const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; }
  function line(a, b) { ctx.strokeStyle = '#000'; ctx.lineWidth = 18; ctx.lineCap = 'round';
    ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke(); }
  function send() { model.set('pixels', pixels.slice()); model.save_changes(); }
  canvas.addEventListener('pointerdown', e => { drawing = true; last = at(e); line(last, last);
    canvas.setPointerCapture(e.pointerId); update(); });
  canvas.addEventListener('pointermove', e => { if (!drawing) return; const p = at(e); line(last, p); last = p; update(); });
  const stop = () => { if (!drawing) return; drawing = false;
    requestAnimationFrame(() => { pixels = eightByEight(canvas); paint(); send(); }); };
  canvas.addEventListener('pointerup', stop); canvas.addEventListener('pointercancel', stop);
  clear.addEventListener('click', () => { blank(); pixels = new Array(64).fill(0); paint(); send(); });
  model.on('change:layers', paint);
  paint();
}
export default { render };
"""


class DigitPad(LiveView):
    """A canvas to draw a digit on and the ten probabilities of the network in ``layers``."""

    _esm = _ESM
    pixels = traitlets.List().tag(sync=True)  # the drawing as 64 counts 0..16, row by row
    layers = traitlets.List().tag(sync=True)  # see layers_for
    scale = traitlets.Float(SCALE).tag(sync=True)


def layers_for(network: Network, params) -> list[dict]:
    """The network's weights in the form the page's forward pass reads (rounded to 6 digits)."""
    if not isinstance(network, Network):
        raise ValueError(f"network: a Network; got {type(network).__name__}")
    params = network.check_params(params)
    units = [a.name for a in network.activations]
    for name in units:
        if name not in PAGE_UNITS:
            raise ValueError(f"network: only {', '.join(PAGE_UNITS)} units can run in the "
                             f"page; got {name!r}")
        get_activation(name)
    return [{"fan_in": int(W.shape[0]), "fan_out": int(W.shape[1]), "unit": unit,
             "W": [float(f"{v:.6g}") for v in W.ravel()],
             "b": [float(f"{v:.6g}") for v in b]} for (W, b), unit in zip(params, units)]


def eight_by_eight(bitmap) -> np.ndarray:
    """The data's recipe in Python, for tests: a 32x32 0/1 bitmap to 64 block counts 0..16."""
    bits = np.asarray(bitmap)
    if bits.shape != (32, 32) or not np.isin(bits, (0, 1)).all():
        raise ValueError(f"bitmap: a 32x32 array of 0 and 1; got shape {bits.shape}")
    return bits.reshape(8, 4, 8, 4).sum(axis=(1, 3)).ravel()
