import stringWidth from 'string-width';

/**
 * A line of prose broken at spaces into lines of at most `width` screen columns (CJK and
 * emoji take two). Continuation lines keep the line's own indent plus two spaces, so an
 * indented explanation stays readable as one item. A word longer than the room is kept
 * whole on its own line (a path or URL is never cut); no width: the line as it is.
 */
export function wrapWords(line: string, width: number | undefined): string[] {
  if (width === undefined || stringWidth(line) <= width) return [line];
  const indent = /^ */.exec(line)![0];
  const hang = indent + '  ';
  const words = line.slice(indent.length).split(/ +/).filter((w) => w !== '');
  const out: string[] = [];
  let cur = indent;
  let curWidth = indent.length;
  let empty = true;
  for (const word of words) {
    const w = stringWidth(word);
    if (!empty && curWidth + 1 + w > width) {
      out.push(cur);
      cur = hang + word;
      curWidth = hang.length + w;
    } else {
      cur += (empty ? '' : ' ') + word;
      curWidth += (empty ? 0 : 1) + w;
    }
    empty = false;
  }
  out.push(cur);
  return out;
}
