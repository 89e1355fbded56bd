/* Exact decimals for the offline day: quantities (3 places), unit prices (6 places) and euros (2 places)
   are scaled integers (BigInt), never floats, so the device computes a basket's total to the cent exactly
   as the server does (line_total: unit price x quantity, rounded half up once per line). */
(function (field) {
  "use strict";

  const TEN = 10n;

  function scale(places) {
    return TEN ** BigInt(places);
  }

  /* Half up, away from zero, like Python's ROUND_HALF_UP. */
  function divideHalfUp(value, divisor) {
    const negative = value < 0n;
    const magnitude = negative ? -value : value;
    const quotient = (magnitude * 2n + divisor) / (divisor * 2n);
    return negative ? -quotient : quotient;
  }

  /* "1,95", "1.95", " 2 " -> the number times 10^places (rounded half up); null when it is not a number.
     At most 9 digits before the decimal sign: a quantity or an amount is bounded. */
  function parse(text, places) {
    const match = /^\s*(-?)(\d{1,9})?(?:[.,](\d*))?\s*$/.exec(String(text ?? ""));
    if (!match || (match[2] === undefined && !match[3])) {
      return null;
    }
    const digits = (match[2] || "0") + (match[3] || "");
    const given = (match[3] || "").length;
    let value = BigInt(digits);
    if (given > places) {
      value = divideHalfUp(value, scale(given - places));
    } else {
      value *= scale(places - given);
    }
    return match[1] === "-" ? -value : value;
  }

  /* A scaled integer back to the protocol's form: a dot and exactly `places` decimals ("1.950"). */
  function toPlain(value, places) {
    const negative = value < 0n;
    const digits = (negative ? -value : value).toString().padStart(places + 1, "0");
    const whole = digits.slice(0, digits.length - places);
    const fraction = places ? "." + digits.slice(digits.length - places) : "";
    return (negative ? "-" : "") + whole + fraction;
  }

  /* As French readers write it: a decimal comma, thousands apart by a narrow no-break space; `trim`
     drops the trailing zeros of a quantity ("1,95", "2"). */
  function french(value, places, trim) {
    let [whole, fraction = ""] = toPlain(value, places).split(".");
    const negative = whole.startsWith("-");
    whole = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    if (trim) {
      fraction = fraction.replace(/0+$/, "");
    }
    return (negative ? "\u2212" : "") + whole + (fraction ? "," + fraction : "");
  }

  function euros(cents) {
    return french(cents, 2, false) + "\u00a0€";
  }

  /* One line's amount in cents: unit price (6 places) x quantity (3 places), rounded once. */
  function lineCents(unitPrice, quantity) {
    return divideHalfUp(parse(unitPrice, 6) * parse(quantity, 3), scale(7));
  }

  field.decimal = { parse, toPlain, french, euros, lineCents, divideHalfUp };
})(self.GrappeField = self.GrappeField || {});
