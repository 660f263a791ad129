#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Turns the small markdown subset of the man page sources into roff.

Usage: md2man.py PAGE.N.md > PAGE.N

Understood: "# name(N)" title, "## SECTION", paragraphs, definition lists ("term" line
followed by ":   text" and indented continuation lines), indented code blocks, pipe tables
(rendered as tagged paragraphs), `code` (bold) and *argument* (italic).
"""
import re
import sys


def inline(text):
    text = text.replace("\\", "\\e")
    text = re.sub(r"`([^`]*)`", r"\\fB\1\\fR", text)
    text = re.sub(r"\*([^*]+)\*", r"\\fI\1\\fR", text)
    return text


def line(text):
    # a roff line must not start with a control character
    out = inline(text.strip())
    if out.startswith((".", "'")):
        out = "\\&" + out
    return out


def convert(lines):
    out = []
    # skip the licence comment above the title
    while lines and (lines[0].startswith("<!--") or not lines[0].strip()):
        lines = lines[1:]
    title = re.match(r"# ([\w.-]+)\((\d)\)", lines[0])
    if not title:
        sys.exit("first line must be '# name(N)'")
    out.append('.TH "%s" "%s" "" "hostcapd" "hostcapd"' % (title.group(1).upper(), title.group(2)))
    i = 1
    while i < len(lines):
        cur = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if cur.startswith("## "):
            out.append(".SH " + cur[3:].strip())
        elif cur.startswith("    ") and not out[-1].startswith(".RS"):
            out.append(".PP")
            out.append(".nf")
            out.append(".RS 4")
            while i < len(lines) and (lines[i].startswith("    ") or lines[i] == ""):
                if lines[i] == "" and not (i + 1 < len(lines) and lines[i + 1].startswith("    ")):
                    break
                out.append(inline(lines[i][4:]) if lines[i] else "")
                i += 1
            out.append(".RE")
            out.append(".fi")
            continue
        elif cur.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(set(c) <= set("- :") for c in cells):
                    rows.append(cells)
                i += 1
            for cells in rows[1:]:
                out.append(".TP")
                out.append(line(cells[0]))
                out.append(line(" ".join(cells[1:])))
            continue
        elif cur.strip() and nxt.startswith(":   "):
            out.append(".TP")
            out.append(line(cur))
            i += 1
            body = [lines[i][4:]]
            i += 1
            while i < len(lines) and lines[i].startswith("    "):
                body.append(lines[i][4:])
                i += 1
            out.append(line(" ".join(b.strip() for b in body)))
            continue
        elif cur.strip() and not cur.startswith("<!--"):
            para = [cur]
            while i + 1 < len(lines) and lines[i + 1].strip() and not lines[i + 1].startswith(("#", "|", "    ")):
                i += 1
                para.append(lines[i])
            out.append(".PP")
            out.append(line(" ".join(p.strip() for p in para)))
        i += 1
    return "\n".join(out) + "\n"


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    sys.stdout.write('.\\" SPDX-License-Identifier: LGPL-2.1-or-later\n')
    sys.stdout.write('.\\" generated from %s by md2man.py; edit the markdown\n' % sys.argv[1].split("/")[-1])
    sys.stdout.write(convert(lines))


if __name__ == "__main__":
    main()
