// Text for a comment of generated code. A line comment ends at the first line terminator, and the
// targets know different ones: JavaScript ends a line at LF, CR, U+2028 and U+2029, Python at LF and
// CR, and tools that split Python source by lines also at VT, FF, U+001C–U+001E and U+0085. Every
// control character, both separators, a byte-order mark and an unpaired surrogate (which UTF-8 cannot
// write) become a visible escape, so no text can leave the comment's line in any target.

const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text with every character that could end a line, or that a target cannot hold, escaped. */
export function commentText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A line of generated code's header: the comment marker and the escaped text. */
export function commentLine(marker: "//" | "#", text: string): string {
  return `${marker} ${commentText(text)}`;
}
