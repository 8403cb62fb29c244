/**
 * Literal text inside Terraform strings. cdktf writes a plain attribute value as a JSON string,
 * which Terraform reads as a template; a value passed to a cdktf function (`Fn.base64encode`)
 * becomes a quoted HCL string inside an expression. Both interpolate `${…}` and run `%{…}`
 * directives, so shell text such as `${HOME}` would be evaluated by Terraform, not by the shell.
 * cdktf token placeholders (`${TfToken[…]}`) are the one thing that must stay a reference.
 */

// cdktf's own encoding of a string token (tokens/private/encoding: BEGIN_STRING_TOKEN_MARKER,
// VALID_KEY_CHARS, END_TOKEN_MARKER); a list or number token cannot be part of a string.
const TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/** Applies `escape` to the literal parts of `text` and leaves its token placeholders as they are. */
function mapLiterals(text: string, escape: (literal: string) => string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const literal = text.slice(last, match.index);
    // "$" + "${ref}" reads as the escape "$${" once the token becomes a reference: no escaping
    // can express a dollar sign right before an interpolation.
    if (literal.endsWith("$")) throw new Error(`a literal "$" directly before a cdktf token cannot be written in a Terraform string: ${JSON.stringify(literal.slice(-20))}`);
    out += escape(literal) + match[0];
    last = match.index + match[0].length;
  }
  return out + escape(text.slice(last));
}

/** Makes literal text safe inside a Terraform string: "${" → "$${", "%{" → "%%{"; cdktf token placeholders in the text are left intact (Token.isUnresolved parts must survive). */
export function escapeTemplate(text: string): string {
  return mapLiterals(text, (literal) => literal.replace(/([$%])\{/g, (sequence) => sequence[0] + sequence));
}

/**
 * Makes literal text safe as a string argument of a cdktf function (`Fn.base64encode(text)`).
 * cdktf itself turns "${" into "$${" and newlines into "\n" there (TFExpression.escapeString), so
 * escaping "${" here would double it; it leaves backslashes and "%{" alone and refuses unescaped
 * double quotes, so those are escaped here.
 */
export function escapeFunctionArgument(text: string): string {
  return mapLiterals(text, (literal) => literal.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%\{/g, "%%{"));
}
