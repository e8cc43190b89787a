// The call under a figure (engine/code.py, templates/code.html) follows its controls: each
// value the reader sets is written into it as Python writes it (repr), so the code a reader
// copies draws what they see. Run on every change of a control (embed.py), restoring the
// address's settings too.
function showInCode(key, control) {
  const code = document.getElementById(`${key}-code`);
  if (!code || !control.name) return;
  const value = "labels" in control ? control.labels[control.active] : control.value;
  for (const shown of code.querySelectorAll("[data-param]")) {
    if (shown.dataset.param === control.name) shown.textContent = pythonValue(value, shown.dataset.kind);
  }
}

// `repr` of a value of the parameter's kind ("float", "int" or "str"), as engine/code.py's
// python_value writes it.
function pythonValue(value, kind) {
  if (kind === "str") return pythonString(String(value));
  if (kind === "int") return BigInt(Math.round(value)).toString();
  return pythonFloat(Number(value));
}

// Python's repr of a float: the shortest digits that read back as it (as JavaScript's), in
// positional notation from 1e-4 up to 1e16 (always with a decimal point), else as d.ddde+XX.
function pythonFloat(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const [mantissa, power] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(power);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? "." + digits.slice(1) : "";
    const size = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? "-" : "+"}${size}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
}

// Python's repr of a str: single quotes unless the text holds one and no double quote.
function pythonString(text) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escapes = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", [quote]: "\\" + quote};
  return quote + text.replace(/[\\\n\r\t'"]/g, (c) => escapes[c] ?? c) + quote;
}
