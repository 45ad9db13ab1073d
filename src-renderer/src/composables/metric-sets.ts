/**
 * Names of the sets a model's Dice was measured on, as a person reads them. Main names them
 * `project-corrected-val:<hash>` (held-out films the user corrected), `project-val:<hash>`,
 * `project-train`, `reference:<id@version>` (the fixed set shipped with a model), and manifests
 * `<data set> <subset>[ <part>]` ("lungs-mcsz val montgomery"). Returns an i18n key under
 * `models.sets.` with its parameters; a name of another shape is shown as it is.
 */
export function metricSetLabel(name: string): { key: string; params: Record<string, string> } {
  const [kind, ...rest] = name.split(':');
  const id = rest.join(':');
  if (kind === 'project-corrected-val') return { key: 'models.sets.projectCorrectedVal', params: { id } };
  if (kind === 'project-val') return { key: 'models.sets.projectVal', params: { id } };
  if (name === 'project-train') return { key: 'models.sets.projectTrain', params: {} };
  if (kind === 'reference' && id) return { key: 'models.sets.reference', params: { model: id } };
  const match = /^(\S+) (train|val|test)(?: (.+))?$/.exec(name);
  if (match) {
    const [, data, subset, part] = match;
    return part ? { key: `models.sets.${subset}Part`, params: { data, part } } : { key: `models.sets.${subset}`, params: { data } };
  }
  return { key: 'models.sets.other', params: { name } };
}
