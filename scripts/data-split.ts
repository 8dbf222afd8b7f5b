// The fixed split of the digits: changing these changes every model's held-out set.
export const SPLIT_SEED = 20150320;
export const TEST_FRACTION = 0.2;
