// Sorts in place and returns the array. The arrays sorted on the resolution hot path hold a
// handful of elements (the identities of one observation), for which Array.prototype.sort's
// set-up costs more time and garbage than the sort itself; insertion sort is stable like it.
export function sortSmall<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  if (items.length > 16) return items.sort(compare);
  for (let i = 1; i < items.length; i++) {
    const x = items[i];
    let j = i - 1;
    for (; j >= 0 && compare(items[j], x) > 0; j--) items[j + 1] = items[j];
    items[j + 1] = x;
  }
  return items;
}
