// The fewstep page: pick a model and method, generate over the streaming API, compare two runs, keep a gallery.
// Plain browser JavaScript, no libraries, so the page works offline and under a strict Content-Security-Policy.
'use strict';

const GALLERY_KEY = 'fewstep.gallery';
const GALLERY_SIZE = 24;
const EXAMPLE_COUNT = 10;
const HEALTH_INTERVAL_MS = 10000;

const state = {
  catalog: null,          // the body of GET /v1/models
  running: null,          // the AbortController of the generation in progress
};

const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function modelNamed(name) {
  return state.catalog.models.find((model) => model.name === name);
}

function randomSeed() {
  return Math.floor(Math.random() * 2147483647);
}

// ---- the two run pickers (model, and for a teacher: sampler and steps) ----

class RunPicker {
  constructor(fieldset, onModelChange) {
    this.fieldset = fieldset;
    const fields = fieldset.querySelector('.run-fields');
    const id = fieldset.id;
    this.model = element('select', { id: `${id}-model`, 'aria-label': 'model' });
    this.sampler = element('select', { id: `${id}-sampler`, 'aria-label': 'sampler' });
    this.steps = element('input', { id: `${id}-steps`, type: 'number', min: '1', max: '1000', step: '1', 'aria-label': 'steps' });
    this.preset = element('select', { id: `${id}-preset`, 'aria-label': 'preset' });
    this.nfe = element('span', { className: 'nfe', id: `${id}-nfe` });
    this.teacherFields = element('div', { className: 'teacher-fields' }, [
      element('label', { className: 'field' }, ['Sampler', this.sampler]),
      element('label', { className: 'field' }, ['Steps', this.steps]),
      element('label', { className: 'field' }, ['Preset', this.preset]),
    ]);
    this.studentNote = element('p', { className: 'student-note', text: 'One-step student: a single network evaluation.' });
    fields.append(element('label', { className: 'field wide' }, ['Model', this.model]), this.teacherFields,
      this.studentNote, this.nfe);
    this.addOns = new AddOnFields(this, fields, id); // LoRAs and the "auto" policy budget (addons.js)

    for (const model of state.catalog.models) {
      const label = `${model.name} · ${model.kind === 'student' ? `student (${model.method})` : 'teacher'} · ${model.dataset}`;
      this.model.append(element('option', { value: model.name, text: label }));
    }
    for (const sampler of state.catalog.samplers) {
      this.sampler.append(element('option', { value: sampler, text: sampler }));
    }
    this.model.addEventListener('change', () => { this.refresh(); onModelChange(); });
    this.sampler.addEventListener('change', () => this.showNfe());
    this.steps.addEventListener('input', () => this.showNfe());
    this.preset.addEventListener('change', () => {
      if (!this.preset.value) return;
      const [sampler, steps] = this.preset.value.split(':');
      this.sampler.value = sampler;
      this.steps.value = steps;
      this.showNfe();
    });
  }

  set(modelName, sampler, steps) {
    if (!modelNamed(modelName)) return;
    this.model.value = modelName;
    if (sampler) this.sampler.value = sampler;
    if (steps) this.steps.value = steps;
    this.refresh();
  }

  selected() {
    return modelNamed(this.model.value);
  }

  refresh() {
    const model = this.selected();
    const oneStep = model.kind === 'student';
    this.teacherFields.hidden = oneStep;
    this.studentNote.hidden = !oneStep;
    this.preset.replaceChildren(element('option', { value: '', text: 'choose…' }));
    for (const option of model.nfeOptions) {
      if (option.sampler) {
        this.preset.append(element('option', { value: `${option.sampler}:${option.steps}`,
          text: `${option.nfe} NFE · ${option.sampler} ${option.steps} steps` }));
      }
    }
    if (!this.steps.value) this.steps.value = state.catalog.defaults.steps;
    this.addOns.refresh(model);
    this.showNfe();
  }

  // NFE as the server counts it: Heun spends two evaluations a step except the last.
  plannedNfe() {
    const decided = this.addOns.plannedNfe();
    if (decided !== undefined) return decided;
    if (this.selected().kind === 'student') return 1;
    const steps = Math.max(1, parseInt(this.steps.value, 10) || 1);
    return this.sampler.value === 'heun' ? 2 * steps - 1 : steps;
  }

  showNfe() {
    const nfe = this.plannedNfe();
    this.nfe.textContent = this.addOns.nfeText() || `${nfe} NFE`;
  }

  // The request body fields this picker decides.
  body() {
    return this.addOns.body(this.fixedBody());
  }

  fixedBody() {
    const model = this.selected();
    if (model.kind === 'student') return { model: model.name };
    return { model: model.name, sampler: this.sampler.value, steps: parseInt(this.steps.value, 10) };
  }

  describe() {
    return this.addOns.describe(this.fixedDescription());
  }

  fixedDescription() {
    const model = this.selected();
    if (model.kind === 'student') return `${model.name} · one step`;
    return `${model.name} · ${this.sampler.value} ${this.steps.value} steps`;
  }
}

let runA;
let runB;

// ---- examples from the vocabulary ----

function showExamples() {
  const prompts = runA.selected().prompts || [];
  $('vocabulary').replaceChildren(...prompts.map((prompt) => element('option', { value: prompt })));
  const examples = $('examples');
  examples.replaceChildren();
  for (const prompt of prompts.slice(0, EXAMPLE_COUNT)) {
    const chip = element('button', { type: 'button', className: 'chip', text: prompt });
    chip.addEventListener('click', () => { $('prompt').value = prompt; $('prompt').focus(); });
    examples.append(chip);
  }
  if (!$('prompt').value && prompts.length) $('prompt').placeholder = `e.g. ${prompts[0]}`;
}

// ---- default choices ----

function chooseDefaults() {
  const models = state.catalog.models;
  const first = modelNamed(state.catalog.default) || models[0];
  const teachers = models.filter((model) => model.kind === 'teacher' && !taskOf(model));
  const students = models.filter((model) => model.kind === 'student' && !taskOf(model));
  runA.set(first.name, state.catalog.defaults.sampler, state.catalog.defaults.steps);
  // Compare: a one-step student against its teacher at 35 NFE (Heun, 18 steps) when both exist for the same data;
  // otherwise the model against itself with a cheap sampler. Models of different data would not be comparable.
  const sameData = (model) => model.dataset === first.dataset;
  const teacher = teachers.find(sameData);
  const student = students.find(sameData);
  if (first.kind === 'student' && teacher) {
    runB.set(teacher.name, 'heun', 18);
  } else if (first.kind === 'teacher' && student) {
    runB.set(student.name);
  } else if (first.kind === 'teacher') {
    runB.set(first.name, 'dpmpp2m', 5);
  } else {
    runB.set(first.name);
  }
}

// ---- generation over Server-Sent Events ----

class ApiFailure extends Error {
  constructor(status, body, retryAfter) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.field = body && body.field;
    this.retryAfter = retryAfter;
  }
}

// POST /v1/generate/stream, reporting progress events; resolves with the result event's data.
async function generateStream(body, signal, onProgress) {
  const response = await fetch('/v1/generate/stream', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) {
    const error = await response.json().catch(() => null);
    throw new ApiFailure(response.status, error, response.headers.get('Retry-After'));
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      if (!data) continue; // a heartbeat comment
      const payload = JSON.parse(data);
      if (event === 'progress') onProgress(payload);
      else if (event === 'result') return payload;
      else if (event === 'error') throw new ApiFailure(payload.status, payload, null);
    }
  }
  throw new ApiFailure(0, { error: 'the stream ended without a result' }, null);
}

function resultPanel(title) {
  const progress = element('progress', { max: '1', value: '0' });
  const status = element('span', { className: 'status', text: 'waiting…' });
  const grid = element('div', { className: 'grid' });
  const panel = element('div', { className: 'result' }, [
    element('h3', { text: title }),
    element('div', { className: 'progress-row' }, [progress, status]),
    grid,
  ]);
  return { panel, progress, status, grid };
}

function showImages(view, result, input) {
  view.progress.max = 1;
  view.progress.value = 1;
  view.progress.hidden = true;
  const cost = `${result.nfe} NFE · ${result.seconds.toFixed(2)} s`;
  view.status.textContent = result.n > 1 ? `${cost} for ${result.n} images` : cost;
  const cells = result.n + (input ? 1 : 0);
  view.grid.className = `grid columns-${Math.ceil(Math.sqrt(cells))}`;
  if (input) { // a conditional model's input beside what it made
    view.grid.append(element('figure', { className: 'condition-input' }, [
      element('img', { className: 'sample', src: input, alt: 'the condition picture' }),
      element('figcaption', {}, [element('span', { text: 'input' })]),
    ]));
  }
  for (const image of result.images) {
    const img = element('img', {
      className: 'sample',
      src: `data:image/png;base64,${image.png}`,
      alt: `${result.prompt}, seed ${image.seed}`,
      'data-seed': image.seed,
      'data-nfe': result.nfe,
    });
    view.grid.append(element('figure', {}, [
      img,
      element('figcaption', {}, [
        element('span', { className: 'cost', text: `${result.nfe} NFE · ${result.seconds.toFixed(2)} s` }),
        element('span', { className: 'seed-used', text: `seed ${image.seed}` }),
        // The PNG carries how it was made, so `fewstep generate --from` can make it again.
        element('a', { className: 'download', href: img.src, download: `fewstep-${result.model}-${image.seed}.png`,
          text: 'download' }),
      ]),
    ]));
  }
}

function requestBody(picker) {
  const seedText = $('seed').value.trim();
  const body = {
    prompt: $('prompt').value,
    cfg: parseFloat($('cfg').value),
    n: parseInt($('n').value, 10),
    ...picker.body(),
  };
  if (seedText !== '') body.seed = Number(seedText);
  if (picker.selected().kind === 'student' || picker.addOns.ignoresCfg()) delete body.cfg;
  const task = taskOf(picker.selected());
  if (task && condition.picture) body.condition = condition.picture;
  if (task === 'inpaint' && condition.picture) body.mask = maskPng();
  return body;
}

// ---- a conditional model's input: a picture, and for inpainting a painted mask ----

const condition = { picture: null, image: null, painted: false };

function taskOf(model) {
  return model && model.details ? model.details.task : undefined;
}

function showConditionFields() {
  const task = taskOf(runA.selected());
  $('condition-fields').hidden = !task;
  $('mask-field').hidden = task !== 'inpaint';
  $('condition-task').textContent = task ? `${task} model` : '';
  drawMaskCanvas();
}

function drawMaskCanvas(clear = false) {
  const canvas = $('mask-canvas');
  const context = canvas.getContext('2d');
  if (clear || !condition.painted) {
    context.fillStyle = '#000';
    context.fillRect(0, 0, canvas.width, canvas.height);
    condition.painted = false;
  }
  if (condition.image) {
    context.globalAlpha = 0.5;
    context.drawImage(condition.image, 0, 0, canvas.width, canvas.height);
    context.globalAlpha = 1;
  }
}

// The mask as the server reads it: white where painted, black elsewhere, at the picture's size.
function maskPng() {
  const canvas = $('mask-canvas');
  const source = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const mask = document.createElement('canvas');
  mask.width = canvas.width;
  mask.height = canvas.height;
  const context = mask.getContext('2d');
  const out = context.createImageData(canvas.width, canvas.height);
  for (let i = 0; i < source.data.length; i += 4) {
    const painted = source.data[i] > 200 && source.data[i + 1] < 80; // the red brush
    out.data[i] = out.data[i + 1] = out.data[i + 2] = painted ? 255 : 0;
    out.data[i + 3] = 255;
  }
  context.putImageData(out, 0, 0);
  // The server wants the mask at the picture's own size.
  const sized = document.createElement('canvas');
  sized.width = condition.image.naturalWidth;
  sized.height = condition.image.naturalHeight;
  const scaled = sized.getContext('2d');
  scaled.imageSmoothingEnabled = false;
  scaled.drawImage(mask, 0, 0, sized.width, sized.height);
  return sized.toDataURL('image/png');
}

function setUpCondition() {
  $('condition').addEventListener('change', () => {
    const file = $('condition').files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      condition.picture = reader.result;
      condition.image = new Image();
      condition.image.onload = () => drawMaskCanvas(true);
      condition.image.src = reader.result;
    };
    reader.readAsDataURL(file);
  });
  const canvas = $('mask-canvas');
  let drawing = false;
  const paint = (event) => {
    if (!drawing) return;
    const box = canvas.getBoundingClientRect();
    const context = canvas.getContext('2d');
    context.fillStyle = '#f00';
    context.beginPath();
    context.arc((event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height,
      10, 0, 2 * Math.PI);
    context.fill();
    condition.painted = true;
  };
  canvas.addEventListener('pointerdown', (event) => { drawing = true; paint(event); });
  canvas.addEventListener('pointermove', paint);
  window.addEventListener('pointerup', () => { drawing = false; });
  $('clear-mask').addEventListener('click', () => drawMaskCanvas(true));
}

function showError(message, field) {
  const error = $('error');
  error.textContent = message;
  error.hidden = !message;
  document.querySelectorAll('.invalid').forEach((node) => node.classList.remove('invalid'));
  const input = { prompt: 'prompt', cfg: 'cfg', seed: 'seed', n: 'n', steps: 'run-a-steps', sampler: 'run-a-sampler',
    model: 'run-a-model' }[field];
  if (input && $(input)) $(input).classList.add('invalid');
}

// The server's warnings about the request (a prompt outside the model's vocabulary), once each.
function showWarnings(warnings) {
  const box = $('warning');
  box.textContent = [...new Set(warnings)].join(' ');
  box.hidden = !warnings.length;
}

async function generate(event) {
  event.preventDefault();
  if (state.running) { // the button reads "Stop": abandoning the stream frees the server's slot
    state.running.abort();
    return;
  }
  showError('');
  showWarnings([]);
  if (!$('prompt').value.trim()) {
    showError('Type a prompt first.', 'prompt');
    return;
  }
  if ($('seed').value.trim() === '') $('seed').value = randomSeed();
  const pickers = $('compare').checked ? [runA, runB] : [runA];
  const views = pickers.map((picker) => resultPanel(picker.describe()));
  const results = $('results');
  results.replaceChildren(...views.map((view) => view.panel));
  results.classList.toggle('compare', pickers.length > 1);

  const controller = new AbortController();
  state.running = controller;
  const button = $('generate');
  button.textContent = 'Stop';
  button.classList.add('running');
  try {
    // One after the other, so the two runs do not share the CPU and their seconds are comparable.
    const warnings = [];
    for (let i = 0; i < pickers.length; i++) {
      const view = views[i];
      const body = requestBody(pickers[i]);
      const result = await generateStream(body, controller.signal, (progress) => {
        view.progress.max = progress.total;
        view.progress.value = progress.nfe;
        view.status.textContent = progress.state === 'waiting'
          ? `waiting for a worker${progress.waiting ? ` (${progress.waiting} waiting)` : ''}…`
          : `${progress.nfe} / ${progress.total} NFE`;
      });
      showImages(view, result, body.condition);
      warnings.push(...(result.warnings || []));
      showWarnings(warnings);
      remember(result);
    }
  } catch (failure) {
    if (failure.name === 'AbortError') {
      showError('Stopped.');
    } else if (failure.status === 429) {
      showError(`The server is busy; try again in ${failure.retryAfter || 'a few'} s.`);
    } else {
      showError(failure.message, failure.field);
    }
    views.forEach((view) => { if (!view.grid.childElementCount) view.status.textContent = 'no images'; });
  } finally {
    state.running = null;
    button.textContent = 'Generate';
    button.classList.remove('running');
    pollHealth();
  }
}

// ---- gallery of recent results, kept in this browser ----

function loadGallery() {
  try {
    return JSON.parse(localStorage.getItem(GALLERY_KEY)) || [];
  } catch (error) {
    return [];
  }
}

function remember(result) {
  const entries = loadGallery();
  entries.unshift({
    prompt: result.prompt, model: result.model, kind: result.kind, sampler: result.sampler, steps: result.steps,
    cfg: result.cfg, seed: result.seed, n: result.n, nfe: result.nfe, seconds: result.seconds,
    png: result.images[0].png,
  });
  try {
    localStorage.setItem(GALLERY_KEY, JSON.stringify(entries.slice(0, GALLERY_SIZE)));
  } catch (error) {
    // Storage full or disabled: the gallery just does not persist.
  }
  renderGallery();
}

function renderGallery() {
  const gallery = $('gallery');
  const entries = loadGallery();
  gallery.replaceChildren();
  if (!entries.length) {
    gallery.append(element('p', { className: 'placeholder', text: 'Results you generate appear here.' }));
    return;
  }
  for (const entry of entries) {
    const method = entry.kind === 'student' ? '1 step' : `${entry.sampler} ${entry.steps}`;
    const item = element('button', { type: 'button', className: 'thumb', title: `use these settings again` }, [
      element('img', { src: `data:image/png;base64,${entry.png}`, alt: entry.prompt }),
      element('span', { className: 'thumb-prompt', text: entry.prompt }),
      element('span', { className: 'thumb-cost', text: `${entry.model} · ${method}` }),
      element('span', { className: 'thumb-cost', text: `${entry.nfe} NFE · ${entry.seconds.toFixed(2)} s · seed ${entry.seed}` }),
    ]);
    item.addEventListener('click', () => {
      $('prompt').value = entry.prompt;
      $('seed').value = entry.seed;
      if (entry.cfg !== null && entry.cfg !== undefined) $('cfg').value = entry.cfg;
      runA.set(entry.model, entry.sampler, entry.steps);
      showExamples();
    });
    gallery.append(item);
  }
}

// ---- server status ----

async function pollHealth() {
  const health = $('health');
  try {
    const response = await fetch('/health', { cache: 'no-store' });
    const body = await response.json();
    const queue = body.queue;
    health.textContent = `ready · ${body.models} model(s) · ${queue.running} running, ${queue.waiting}/${queue.maxQueue} waiting`;
    health.className = 'health ok';
  } catch (error) {
    health.textContent = 'server unreachable';
    health.className = 'health down';
  }
}

// ---- start ----

async function start() {
  pollHealth();
  setInterval(pollHealth, HEALTH_INTERVAL_MS);
  renderGallery();
  $('clear-gallery').addEventListener('click', () => { localStorage.removeItem(GALLERY_KEY); renderGallery(); });
  $('new-seed').addEventListener('click', () => { $('seed').value = randomSeed(); });
  $('seed').value = randomSeed();
  try {
    const response = await fetch('/v1/models', { cache: 'no-store' });
    state.catalog = await response.json();
  } catch (error) {
    showError('Cannot reach the server.');
    return;
  }
  if (!state.catalog.models.length) {
    showError('No models are installed on this server yet: train one with "fewstep train".');
    $('generate').disabled = true;
    return;
  }
  runA = new RunPicker($('run-a'), () => { showExamples(); showConditionFields(); });
  runB = new RunPicker($('run-b'), () => {});
  chooseDefaults();
  showExamples();
  setUpCondition();
  showConditionFields();
  $('compare').addEventListener('change', () => { $('run-b').hidden = !$('compare').checked; });
  $('form').addEventListener('submit', generate);
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', start);
