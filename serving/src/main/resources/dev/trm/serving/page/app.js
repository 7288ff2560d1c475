// The page at "/": pick a served model, enter a puzzle, solve it and play the ACT steps. Everything goes through
// the server's REST API; there is no build step, this file is served as it is.
'use strict';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const MAZE = '# SGo';  // tokens 1..5
const ARC_SIDE = 30;
const ARC_COLOURS = ['#000000', '#0074D9', '#FF4136', '#2ECC40', '#FFDC00', '#AAAAAA', '#F012BE', '#FF851B',
  '#7FDBFF', '#870C25'];
const MAZE_COLOURS = { 1: '#333333', 2: '#ffffff', 3: '#2ECC40', 4: '#FF4136', 5: '#0074D9' };
const SUDOKU_BOXES = { 4: [2, 2], 6: [2, 3], 9: [3, 3] };

let model = null;   // { name, seqLen, vocab, stateLen, hidden, kind, side }
let play = null;    // { steps: [{tokens, qHalt}], haltStep, input, current, timer }

function setState(state, message, isError) {
  document.body.dataset.state = state;
  $('status').textContent = message || '';
  $('status').className = isError ? 'error' : '';
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) {
    throw new Error(json.error || ('HTTP ' + response.status));
  }
  return json;
}

function dims(tensorInfo) {
  return tensorInfo.tensor_shape.dim.map((d) => Number(d.size));
}

function kindOf(seqLen, vocab) {
  const side = Math.round(Math.sqrt(seqLen));
  if (SUDOKU_BOXES[side] && side * side === seqLen && vocab === side + 2) return { kind: 'sudoku', side };
  if (side * side === seqLen && vocab === MAZE.length + 1) return { kind: 'maze', side };
  if (seqLen === ARC_SIDE * ARC_SIDE && vocab === 12) return { kind: 'arc', side: ARC_SIDE };
  return null;
}

async function loadModel() {
  const name = $('model').value.trim();
  setState('loading', 'loading ' + name + ' ...');
  $('solve').disabled = true;
  try {
    const meta = await api('/v1/models/' + encodeURIComponent(name) + '/metadata');
    const sigs = meta.metadata.signature_def.signature_def;
    if (!sigs.act_step || !sigs.serving_default) {
      throw new Error(name + ' has no act_step and serving_default signatures (not a trm export)');
    }
    const logits = dims(sigs.serving_default.outputs.logits);
    const state = dims(sigs.act_step.inputs.z_H);
    const shape = kindOf(logits[1], logits[2]);
    if (!shape) {
      throw new Error('puzzles of ' + logits[1] + ' tokens with a vocabulary of ' + logits[2]
        + ' are neither Sudoku, Maze nor ARC');
    }
    model = { name, seqLen: logits[1], vocab: logits[2], stateLen: state[1], hidden: state[2], ...shape };
    $('model-info').textContent = name + ' version ' + meta.model_spec.version + ': ' + model.kind + ' '
      + model.side + 'x' + model.side;
    buildEditor();
    $('solve').disabled = false;
    setState('ready', '');
  } catch (e) {
    model = null;
    setState('error', String(e.message || e), true);
  }
}

// ---- puzzle input ----

function buildEditor() {
  const sudoku = model.kind === 'sudoku';
  $('sudoku-editor').hidden = !sudoku;
  $('json-editor').hidden = sudoku;
  if (sudoku) {
    const table = $('editor');
    table.innerHTML = '';
    for (let r = 0; r < model.side; r++) {
      const tr = table.insertRow();
      for (let c = 0; c < model.side; c++) {
        const td = tr.insertCell();
        boxBorders(td, r, c);
        const input = document.createElement('input');
        input.id = 'cell-' + r + '-' + c;
        input.maxLength = 1;
        input.inputMode = 'numeric';
        td.appendChild(input);
      }
    }
  } else {
    $('json-label').firstChild.textContent = model.kind === 'maze'
      ? 'Maze as JSON (a list of rows over "# SGo", e.g. ["#####", "#S  #", ...]) '
      : 'ARC grid as JSON (rows of colours 0-9, or a task with "test": [{"input": ...}]) ';
  }
}

function boxBorders(td, r, c) {
  if (model.kind !== 'sudoku') return;
  const [br, bc] = SUDOKU_BOXES[model.side];
  if ((c + 1) % bc === 0 && c + 1 < model.side) td.classList.add('box-right');
  if ((r + 1) % br === 0 && r + 1 < model.side) td.classList.add('box-bottom');
}

function pasteSudoku(text) {
  const cells = text.replace(/[\s,]/g, '').split('');
  if (cells.length !== model.side * model.side) {
    throw new Error('the pasted grid has ' + cells.length + ' cells, a ' + model.side + 'x' + model.side
      + ' Sudoku has ' + model.side * model.side);
  }
  cells.forEach((ch, i) => {
    $('cell-' + Math.floor(i / model.side) + '-' + (i % model.side)).value = /[1-9]/.test(ch) ? ch : '';
  });
}

/** The puzzle as the model's tokens. */
function readPuzzle() {
  if (model.kind === 'sudoku') {
    if ($('paste').value.trim() !== '') pasteSudoku($('paste').value);
    const tokens = [];
    for (let r = 0; r < model.side; r++) {
      for (let c = 0; c < model.side; c++) {
        const v = $('cell-' + r + '-' + c).value.trim();
        const d = Number(v);
        if (v === '' || v === '.' || v === '0') tokens.push(1);
        else if (Number.isInteger(d) && d >= 1 && d <= model.side) tokens.push(d + 1);
        else throw new Error('cell (' + (r + 1) + ', ' + (c + 1) + ') holds "' + v + '", not a digit 1-' + model.side);
      }
    }
    return tokens;
  }
  let value;
  try {
    value = JSON.parse($('json').value);
  } catch (e) {
    throw new Error('the puzzle is not valid JSON: ' + e.message);
  }
  return model.kind === 'maze' ? mazeTokens(value) : arcTokens(value);
}

function mazeTokens(rows) {
  if (!Array.isArray(rows) || rows.length !== model.side) {
    throw new Error('a maze needs ' + model.side + ' rows');
  }
  const tokens = [];
  rows.forEach((row, r) => {
    const cells = typeof row === 'string' ? row.split('').map((ch) => MAZE.indexOf(ch) + 1) : row;
    if (cells.length !== model.side || cells.some((t) => !(t >= 1 && t <= MAZE.length))) {
      throw new Error('maze row ' + (r + 1) + ' needs ' + model.side + ' cells of "' + MAZE + '"');
    }
    tokens.push(...cells);
  });
  return tokens;
}

function arcTokens(value) {
  const grid = Array.isArray(value) ? value : value && value.test && value.test[0] && value.test[0].input;
  if (!Array.isArray(grid) || grid.length < 1 || grid.length > ARC_SIDE) {
    throw new Error('an ARC grid needs 1 to 30 rows');
  }
  const width = grid[0].length;
  const tokens = new Array(ARC_SIDE * ARC_SIDE).fill(0);
  grid.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== width || width > ARC_SIDE
        || row.some((c) => !(Number.isInteger(c) && c >= 0 && c <= 9))) {
      throw new Error('ARC row ' + (r + 1) + ' needs ' + width + ' colours 0-9');
    }
    row.forEach((c, k) => { tokens[r * ARC_SIDE + k] = c + 2; });
    if (width < ARC_SIDE) tokens[r * ARC_SIDE + width] = 1;  // EOS right of the grid
  });
  if (grid.length < ARC_SIDE) {
    for (let k = 0; k < width; k++) tokens[grid.length * ARC_SIDE + k] = 1;  // EOS below it
  }
  return tokens;
}

// ---- solving ----

function zeros(n, m) {
  return Array.from({ length: n }, () => new Array(m).fill(0));
}

async function solve() {
  if (!model) return;
  let tokens;
  try {
    tokens = readPuzzle();
  } catch (e) {
    setState('error', e.message, true);
    return;
  }
  const id = Number($('puzzle-id').value) || 0;
  const path = '/v1/models/' + encodeURIComponent(model.name) + ':predict';
  setState('solving', 'solving ...');
  $('solve').disabled = true;
  try {
    const instance = { inputs: tokens, puzzle_identifiers: id };
    const adaptive = (await api(path, { instances: [instance] })).predictions[0];
    const fixed = (await api(path, { signature_name: 'fixed_steps', instances: [instance] })).predictions[0];
    const wanted = Number($('steps').value);
    const count = wanted >= 1 ? wanted : Math.max(fixed.steps, adaptive.steps);
    // act_step: the first call resets the slot (halted = true); later calls carry the state on (halted = false),
    // which also continues past the trained depth.
    let carry = { z_H: [zeros(model.stateLen, model.hidden)], z_L: [zeros(model.stateLen, model.hidden)],
      steps: [0], carry_inputs: [tokens], carry_puzzle_identifiers: [id] };
    const steps = [];
    for (let k = 0; k < count; k++) {
      setState('solving', 'ACT step ' + (k + 1) + ' of ' + count + ' ...');
      const out = (await api(path, { signature_name: 'act_step', inputs: { ...carry, halted: [k === 0],
        inputs: [tokens], puzzle_identifiers: [id] } })).outputs;
      steps.push({ tokens: out.predictions[0], qHalt: out.q_halt_logits[0] });
      carry = { z_H: out.z_H, z_L: out.z_L, steps: out.steps, carry_inputs: out.carry_inputs,
        carry_puzzle_identifiers: out.carry_puzzle_identifiers };
    }
    showResult(tokens, adaptive, steps);
    setState('solved', '');
  } catch (e) {
    setState('error', String(e.message || e), true);
  } finally {
    $('solve').disabled = false;
  }
}

// ---- drawing ----

/** Draws tokens into a table; marks: {given, changed, wrong} arrays of booleans per token. */
function drawGrid(table, tokens, marks) {
  table.innerHTML = '';
  let rows = model.side;
  let cols = model.side;
  if (model.kind === 'arc') {
    // crop at the EOS border: the rectangle of colour cells from the top-left corner
    cols = 0;
    while (cols < ARC_SIDE && tokens[cols] >= 2) cols++;
    rows = 0;
    while (rows < ARC_SIDE && cols > 0 && tokens[rows * ARC_SIDE] >= 2) rows++;
  }
  for (let r = 0; r < rows; r++) {
    const tr = table.insertRow();
    for (let c = 0; c < cols; c++) {
      const i = r * model.side + c;
      const t = tokens[i];
      const td = tr.insertCell();
      td.dataset.token = t;
      boxBorders(td, r, c);
      const changed = marks.changed && marks.changed[i];
      const wrong = marks.wrong && marks.wrong[i];
      if (model.kind === 'sudoku') {
        td.textContent = t >= 2 ? String(t - 1) : '';
        td.classList.add(marks.given && marks.given[i] ? 'given' : 'answer');
        if (wrong) td.classList.add('wrong');
        else if (changed) td.classList.add('changed');
      } else {
        td.style.background = model.kind === 'maze' ? (MAZE_COLOURS[t] || '#bbb')
          : (t >= 2 ? ARC_COLOURS[t - 2] : '#555');
        if (changed || wrong) td.classList.add('framed');
      }
    }
  }
}

function showResult(input, adaptive, steps) {
  const given = input.map((t) => t > 1 && model.kind === 'sudoku');
  play = { steps, haltStep: adaptive.steps, input, given, current: 0, timer: null };
  $('result').hidden = false;
  drawGrid($('answer'), adaptive.predictions, { given });
  $('answer-info').textContent = 'the halting head stopped after ' + adaptive.steps + ' ACT step'
    + (adaptive.steps === 1 ? '' : 's') + ', q_halt ' + adaptive.q_halt_logits.toFixed(2);
  const strip = $('strip');
  strip.innerHTML = '';
  steps.forEach((s, k) => {
    const figure = document.createElement('figure');
    const table = document.createElement('table');
    table.className = 'grid ' + (model.side > 12 ? 'tiny' : 'small');
    drawGrid(table, s.tokens, { given, changed: changedAt(k) });
    const caption = document.createElement('figcaption');
    caption.textContent = 'step ' + (k + 1) + (k + 1 === play.haltStep ? ' (halts)' : '') + ', q_halt '
      + s.qHalt.toFixed(2);
    figure.append(table, caption);
    figure.onclick = () => showStep(k);
    strip.appendChild(figure);
  });
  showStep(0);
  startPlaying();
}

function changedAt(k) {
  const before = k === 0 ? play.input : play.steps[k - 1].tokens;
  return play.steps[k].tokens.map((t, i) => t !== before[i]);
}

function showStep(k) {
  play.current = k;
  const s = play.steps[k];
  drawGrid($('board'), s.tokens, { given: play.given, changed: changedAt(k) });
  $('step-label').textContent = 'step ' + (k + 1) + ' of ' + play.steps.length + ', q_halt ' + s.qHalt.toFixed(2)
    + (k + 1 === play.haltStep ? ': the halting head stops here' : '');
  Array.from($('strip').children).forEach((f, i) => f.classList.toggle('current', i === k));
}

function startPlaying() {
  stopPlaying();
  $('play').textContent = 'Pause';
  play.timer = setInterval(() => {
    if (play.current + 1 >= play.steps.length) {
      stopPlaying();
    } else {
      showStep(play.current + 1);
    }
  }, 700);
}

function stopPlaying() {
  if (play && play.timer) clearInterval(play.timer);
  if (play) play.timer = null;
  $('play').textContent = 'Play';
}

// ---- wiring ----

$('load').onclick = loadModel;
$('solve').onclick = solve;
$('prev').onclick = () => { if (play) { stopPlaying(); showStep(Math.max(0, play.current - 1)); } };
$('next').onclick = () => { if (play) { stopPlaying(); showStep(Math.min(play.steps.length - 1, play.current + 1)); } };
$('play').onclick = () => { if (play) { if (play.timer) stopPlaying(); else { showStep(0); startPlaying(); } } };
$('upload').onchange = async () => {
  const file = $('upload').files[0];
  if (file) $('json').value = await file.text();
};
$('model').value = params.get('model') || 'trm';
$('model-names').innerHTML = '<option value="' + $('model').value.replace(/"/g, '') + '">';
loadModel();
