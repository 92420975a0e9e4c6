/** "1 signal", "168 signals": a count with its noun in the right number; `many` for irregular plurals. */
export const plural = (count: number, noun: string, many = `${noun}s`): string =>
  `${count} ${count === 1 ? noun : many}`;
