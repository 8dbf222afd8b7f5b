/** The shipped models' ids, importable without tfjs (the service worker precaches their files). */
export const MODEL_IDS = ['mnist-softmax', 'mnist-cnn', 'mnist-cnn-adv'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

/** The files of a shipped model folder that the pages read. */
export const MODEL_FILES = ['model.json', 'weights.bin', 'card.json'] as const;
