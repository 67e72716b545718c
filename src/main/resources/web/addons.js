// What a run picker adds to a model: LoRA adapters trained on it (the request's "lora" field, each with a weight),
// and for a teacher with an AdaDiff policy the "auto" budget (the request's "policy" field: the policy picks model,
// sampler and steps per prompt). Uses element() and state from app.js, which is loaded after this file.
'use strict';

class AddOnFields {
  constructor(picker, fields, id) {
    this.picker = picker;
    this.id = id;
    this.policy = element('select', { id: `${id}-policy`, 'aria-label': 'budget' });
    this.policyField = element('label', { className: 'field wide policy-field' }, ['Budget', this.policy]);
    this.loraList = element('div', { className: 'lora-list', id: `${id}-loras` });
    this.loraField = element('fieldset', { className: 'lora-field' }, [element('legend', { text: 'LoRA' }), this.loraList]);
    fields.querySelector('.teacher-fields').before(this.policyField);
    fields.querySelector('.nfe').before(this.loraField);
    this.policy.addEventListener('change', () => this.changed());
  }

  // The adapters and policies offered for this model: those trained on it, and those whose teacher it is.
  refresh(model) {
    const loras = (state.catalog.loras || []).filter((lora) => lora.base === model.name);
    const policies = (state.catalog.policies || []).filter((policy) => policy.teacher === model.name);
    this.policy.replaceChildren(element('option', { value: '', text: 'fixed (sampler and steps below)' }),
      ...policies.map((policy) => element('option', { value: policy.name,
        text: `auto · ${policy.name} (${Math.min(...policy.nfe)}–${Math.max(...policy.nfe)} NFE)` })));
    this.policyField.hidden = !policies.length;
    this.loraList.replaceChildren(...loras.map((lora) => this.loraRow(lora)));
    this.loraField.hidden = !loras.length;
    this.apply();
  }

  loraRow(lora) {
    const check = element('input', { type: 'checkbox', id: `${this.id}-lora-${lora.name}`, 'data-lora': lora.name,
      'data-makes': lora.makes || '' });
    const weight = element('input', { type: 'number', id: `${this.id}-lora-${lora.name}-weight`, min: '-8', max: '8',
      step: '0.1', value: '1', 'aria-label': `weight of ${lora.name}` });
    const note = lora.makes === 'cd' ? ' · consistency, 1–4 steps' : '';
    check.addEventListener('change', () => this.changed());
    return element('div', { className: 'lora-row' }, [
      element('label', {}, [check, ` ${lora.name} (rank ${lora.rank}${note})`]), weight]);
  }

  changed() {
    this.apply();
    this.picker.showNfe();
  }

  auto() {
    return !this.policyField.hidden && this.policy.value !== '';
  }

  checked() {
    return [...this.loraList.querySelectorAll('input[type=checkbox]:checked')];
  }

  // A consistency LoRA makes the teacher a consistency model: steps (1 to 4) only, no sampler or guidance.
  consistency() {
    return !this.auto() && this.checked().some((check) => check.dataset.makes === 'cd');
  }

  ignoresCfg() {
    return this.auto() || this.consistency();
  }

  apply() {
    const teacher = this.picker.selected().kind !== 'student';
    this.picker.teacherFields.hidden = !teacher || this.auto();
    this.loraField.hidden = this.auto() || !this.loraList.childElementCount;
    this.picker.sampler.parentElement.hidden = this.consistency();
    this.picker.preset.parentElement.hidden = this.consistency();
  }

  // NFE when the add-ons decide it, else null: the policy's per prompt, a consistency model's min(steps, 4).
  plannedNfe() {
    if (this.auto()) return null;
    if (this.consistency()) return Math.min(4, Math.max(1, parseInt(this.picker.steps.value, 10) || 1));
    return undefined;
  }

  nfeText() {
    if (!this.auto()) return null;
    const policy = state.catalog.policies.find((p) => p.name === this.policy.value);
    return `auto: ${Math.min(...policy.nfe)}–${Math.max(...policy.nfe)} NFE, per prompt`;
  }

  body(fixed) {
    if (this.auto()) return { policy: this.policy.value };
    const loras = this.checked().map((check) => `${check.dataset.lora}:${$(`${check.id}-weight`).value || 1}`);
    const body = loras.length ? { ...fixed, lora: loras } : { ...fixed };
    if (this.consistency()) delete body.sampler;
    return body;
  }

  describe(fixed) {
    if (this.auto()) return `${this.picker.selected().name} · auto (${this.policy.value})`;
    const loras = this.checked().map((check) => check.dataset.lora);
    if (this.consistency()) return `${this.picker.selected().name} + ${loras.join(' + ')} · ${this.picker.steps.value} steps`;
    return loras.length ? `${fixed} + ${loras.join(' + ')}` : fixed;
  }
}
