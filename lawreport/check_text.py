"""The text rules of ``lawreport check``: repeated phrases and doubled words, near misses
of the department's own names and of fixed official terms, 法制 where the term is 法治,
unmatched brackets and quotes, half-width punctuation, spacing between numbers and units,
numbering; and the catalogue's pattern rules.

Phrase lists (``lawreport/rules/phrases.yaml``, extended by the user's rules file), edit
distance and patterns: no model, nothing fetched. Each rule is ``rule(subject, emit)``
(see :mod:`lawreport.check_rules`).
"""

from __future__ import annotations

import re

from .check_rules import HAN, _HAN, cn_to_int, levenshtein, quote_at

__all__ = ["rule_repeats", "rule_names", "rule_terms", "rule_fazhi", "rule_brackets",
           "rule_halfwidth", "rule_spacing", "rule_numbering", "rule_patterns", "own_names",
           "label_level"]


def _text_units(s):
    return [u for u in s.units if u.kind not in ("date",) and u.text]


def rule_repeats(s, emit):
    """A phrase repeated in a list (A、B、B) and a word doubled (进行进行)."""
    ok = set(s.phrases.get("doubled_ok", []))
    verbs = s.phrases.get("doubled_near", [])
    near = re.compile("(" + "|".join(map(re.escape, verbs)) + rf")([{HAN}]{{1,8}}?)\1") \
        if verbs else None
    for u in _text_units(s):
        text = u.text
        # lists: items between 、 inside one clause
        for cm in re.finditer(r"[^，。；：！？\n]+", text):
            clause = cm.group(0)
            if "、" not in clause:
                continue
            pos = cm.start()
            seen = set()
            pieces = clause.split("、")
            # the last item of a list may be joined by 和/及/与: A、B和B
            tail = re.split(r"[和及与]", pieces[-1], maxsplit=1)
            if len(tail) == 2 and all(len(t.strip()) >= 2 for t in tail):
                pieces[-1:] = tail
            for piece in pieces:
                p = piece.strip()
                core = p.strip("《》“”‘’「」")
                if len(core) >= 2 and core in seen and _HAN.search(core):
                    i = text.find(piece, pos)
                    emit("text.repeat", u, phrase=core, quote=quote_at(text, i, i + len(piece)))
                    break
                seen.add(core)
                pos = text.find(piece, pos) + len(piece) + 1 if piece else pos + 1
        # a title repeated in a run of titles: 《宪法》《民法典》《宪法》
        for run in re.finditer(r"(?:《[^《》]{1,40}》[、和及与]?){2,}", text):
            titles = re.findall(r"《[^《》]{1,40}》", run.group(0))
            seen_t = set()
            for t in titles:
                if t in seen_t:
                    i = text.find(t, run.start() + run.group(0).find(t) + 1)
                    emit("text.repeat", u, phrase=t, quote=quote_at(text, i, i + len(t)))
                    break
                seen_t.add(t)
        # doubled words, and a verb said twice in one short clause (进行对…进行)
        for m in re.finditer(rf"([{HAN}]{{2,6}})\1", text):
            w = m.group(1)
            if w + w in ok or w in ok:
                continue
            emit("text.doubled", u, word=w, match=m.group(0),
                 quote=quote_at(text, m.start(), m.end()))
        if near:
            for m in near.finditer(text):
                emit("text.doubled", u, word=m.group(1), match=m.group(0),
                     quote=quote_at(text, m.start(), m.end()))


_PUNCT = set("“”‘’《》（）()、，。；：！？…—·「」【】〔〕 \"',.;:!?[]")


def _near_misses(text, target, known_spans, known_words, *, allow_indel=True, edges=False):
    """Spans of ``text`` one edit away from ``target``, not a known word."""
    n = len(target)
    lengths = [n] + ([n - 1, n + 1] if allow_indel else [])
    firsts = _positions(text, target[0])
    out = []
    for L in lengths:
        # a window one edit away keeps the target's first and last characters, unless
        # the edit replaced one of them (``edges``): only windows at those characters
        starts = firsts
        if edges and L == n:  # (a swap of a 2-character word changes both ends)
            starts = (range(len(text)) if n < 3 else
                      sorted(set(firsts) | {j - L + 1 for j in _positions(text, target[-1])}))
        for i in starts:
            if i < 0 or i + L > len(text):
                continue
            w = text[i:i + L]
            if w == target or w in known_words or not _HAN.match(w[0]) or \
                    not _HAN.match(w[-1]):
                continue
            if L != n and (w[0] != target[0] or w[-1] != target[-1]):
                continue  # a character added or left out inside, not at an edge
            if L == n and (w[0] != target[0] or w[-1] != target[-1]) and not edges:
                continue
            if any(c in _PUNCT and c not in target for c in w):
                continue
            if any(a <= i and i + L <= b for a, b in known_spans):
                continue
            if w[1:] in known_words or w[:-1] in known_words or target in (w[1:], w[:-1]):
                continue  # a known word with a neighbouring character
            if levenshtein(w, target, 1) == 1:
                out.append((i, i + L, w))
    return out


def _positions(text, char):
    """Every index of ``char`` in ``text``, in order."""
    out, i = [], text.find(char)
    while i >= 0:
        out.append(i)
        i = text.find(char, i + 1)
    return out


def _spans(text, words):
    out = []
    for w in words:
        start = text.find(w)
        while start >= 0:
            out.append((start, start + len(w)))
            start = text.find(w, start + 1)
    return out


def own_names(s):
    """The department's own names: its name, city and county, and the phrase list's."""
    names = []
    for org in dict.fromkeys(x for x in (s.doc.org_name, s.doc.signature) if x):
        names.append(org)
        m = re.match(rf"^([{HAN}]{{1,6}}?(?:省|自治区))?([{HAN}]{{1,5}}?[市州盟])?"
                     rf"([{HAN}]{{1,5}}?[县区旗])?", org)
        if m:
            names += [g for g in m.groups() if g]
    region = getattr(s.data, "region", None) if s.data is not None else None
    if region:
        names.append(region)
    names += list(s.phrases.get("names", []))
    return [n for i, n in enumerate(names) if len(n) >= 3 and n not in names[:i]]


_ORG_AFTER = re.compile(r"^(?:人民政府|政府|市委|县委|区委|委员会|党委|人大|政协|中级|" 
                        r"[^，。；、\s]{0,8}(?:局|委|办|厅|院|中心))")


def rule_names(s, emit):
    """Near misses of the department's own names (过城市 for 运城市)."""
    names = own_names(s)
    if not names:
        return
    known = set(names) | set(s.phrases.get("terms", [])) | set(s.phrases.get("not_mistakes", []))
    for u in _text_units(s):
        text = u.text
        spans = _spans(text, known)
        hits = []
        for name in sorted(names, key=len, reverse=True):
            for a, b, w in _near_misses(text, name, spans, known, allow_indel=len(name) >= 5,
                                        edges=len(name) <= 4):
                if len(name) <= 4:
                    # a place name: its suffix kept, the change in its own part, and in the
                    # place of a name (after a bracket or punctuation, or before an office)
                    if w[-1] != name[-1] or len(w) != len(name):
                        continue
                    before = text[a - 1] if a > 0 else ""
                    if w[0] != name[0] and before and _HAN.match(before) \
                            and not _ORG_AFTER.match(text[b:]) and before not in "与和及同":
                        continue  # 慧城市 in 智慧城市: another word, not the name
                if _named_with_others(text, a, b, place=len(name) <= 4):
                    continue
                if any(a < hb and ha < b for ha, hb, _n, _w in hits):
                    continue
                hits.append((a, b, name, w))
        for a, b, name, w in hits:
            emit("text.name", u, found=w, name=name, quote=quote_at(text, a, b))


def _named_with_others(text, a, b, place):
    """Whether the name at ``text[a:b]`` follows others or a partner's word (与临汾市、晋城市
    司法局, 和河西市司法局), or, a place's name, comes first in a list (晋城市、临汾市司法局):
    a neighbour's name, not a slip in one's own (运成市司法局、市公安局 is one)."""
    before = text[a - 1] if a > 0 else ""
    return before in ("、", "与", "和", "及", "同") and a > 0 or place and re.match(
        r"(?:[^，。；、]{0,6}(?:局|委|办|厅|院|中心|政府))?、", text[b:]) is not None


def _confusable(w, term, pairs):
    """A 4-character term with one character changed for a look- or sound-alike."""
    if len(w) != len(term):
        return False
    diff = [k for k, (a, b) in enumerate(zip(w, term)) if a != b]
    if len(diff) == 2 and diff[1] == diff[0] + 1:  # two characters swapped: 法政治府
        return w[diff[0]] == term[diff[1]] and w[diff[1]] == term[diff[0]]
    return len(diff) == 1 and any({w[diff[0]], term[diff[0]]} <= set(p) for p in pairs)


def rule_terms(s, emit):
    """Near misses of the fixed official terms (a shipped, extensible phrase list)."""
    terms = list(s.phrases.get("terms", []))
    known = (set(terms) | set(s.phrases.get("variants", []))
             | set(s.phrases.get("not_mistakes", [])) | set(own_names(s)))
    confusables = s.phrases.get("confusable_chars", [])
    for u in _text_units(s):
        text = u.text
        spans = _spans(text, known)
        hits = []
        for term in sorted(terms, key=len, reverse=True):
            if len(term) < 4:
                continue
            for a, b, w in _near_misses(text, term, spans, known, allow_indel=len(term) >= 5):
                if "法制" in w and w.replace("法制", "法治") == term:
                    continue  # the 法制 rule says it
                if len(term) == 4 and not _confusable(w, term, confusables):
                    continue
                if any(a < hb and ha < b for ha, hb, _t, _w in hits):
                    continue
                hits.append((a, b, term, w))
        for a, b, term, w in hits:
            emit("text.term", u, found=w, term=term, quote=quote_at(text, a, b))


def rule_fazhi(s, emit):
    """法制 where the fixed term is 法治: by phrase (法制审核, 学法用法制度 are right)."""
    wrong = sorted(s.phrases.get("fazhi_wrong", []), key=len, reverse=True)
    right = list(s.phrases.get("fazhi_right", []))
    if not wrong:
        return
    pat = re.compile("法制(" + "|".join(re.escape(w) for w in wrong) + ")")
    for u in _text_units(s):
        text = u.text
        spans = _spans(text, right)
        for m in pat.finditer(text):
            a = m.start()
            if any(x <= a and a + 2 <= y for x, y in spans):
                continue
            emit("text.fazhi", u, found=m.group(0), right="法治" + m.group(1),
                 quote=quote_at(text, m.start(), m.end()))


_PAIRS = {"《": "》", "“": "”", "（": "）", "‘": "’", "【": "】", "〔": "〕"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def rule_brackets(s, emit):
    """Unmatched 《》“”（）‘’【】 in a paragraph or heading."""
    for u in _text_units(s):
        text = u.text
        stack = []
        bad = []
        for i, c in enumerate(text):
            if c in _PAIRS:
                if c in "“‘" and stack and stack[-1][0] == c:
                    bad.append((c, i))  # a closing quote written the opening way
                    stack.pop()
                    continue
                stack.append((c, i))
            elif c in _CLOSERS:
                want = _CLOSERS[c]
                if stack and stack[-1][0] == want:
                    stack.pop()
                elif any(o == want for o, _i in stack):
                    while stack and stack[-1][0] != want:
                        bad.append(stack.pop())
                    stack.pop()
                else:
                    bad.append((c, i))
        bad += stack
        for c, i in sorted(bad, key=lambda x: x[1]):
            if c == "（" and ")" in text[i:]:
                continue  # （…) : the half-width rule says it
            if c == "）" and "(" in text[:i]:
                continue
            pair = _PAIRS.get(c) or _CLOSERS[c]
            emit("text.bracket", u, mark=c, pair=pair, quote=quote_at(text, i, i + 1))


_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）", ".": "。",
         '"': "“”", "()": "（）"}


def rule_halfwidth(s, emit):
    """Half-width punctuation inside Chinese text: 报告(包括…), 事项,包括 — one finding per
    paragraph or heading, counting its marks."""
    han = f"[{HAN}“”《》，。；：]"
    for u in _text_units(s):
        text = u.text
        found = []  # (position, mark)
        taken = []
        for m in re.finditer(r"\(([^()]*)\)", text):
            if _HAN.search(m.group(1)) or (m.start() > 0 and _HAN.match(text[m.start() - 1])):
                taken.append(m.span())
                found.append((m.start(), "()"))
        for m in re.finditer(rf"(?<={han})[,;:!?()\"]|[,;:!?()\"](?={han})"
                             rf"|(?<=[{HAN}])\.(?=[{HAN}]|\s*$)", text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            c = m.group(0)
            if c == ":" and re.match(r"\d", text[m.end():m.end() + 1]):
                continue
            found.append((m.start(), c))
        if not found:
            continue
        found.sort()
        marks = list(dict.fromkeys(c for _i, c in found))
        i, c = found[0]
        emit("text.halfwidth", u, mark="”“".join(marks),
             full="”“".join(_FULL[x] for x in marks),
             count=f"（本段 {len(found)} 处）" if len(found) > 1 else "",
             quote=quote_at(text, i, i + 1))


def rule_spacing(s, emit):
    """Numbers and units written both with and without a space in one report (the
    percent sign, always written close, left out)."""
    units_re = "|".join(re.escape(x) for x in sorted(s.phrases.get("units", []), key=len,
                                                      reverse=True) if x != "%") or "项"
    pat = re.compile(rf"(?<![\d.A-Za-z])(\d+(?:\.\d+)?)([ \u00a0]*)({units_re})")
    spaced, tight = [], []
    for u in _text_units(s):
        if u.kind not in ("item", "intro", "preamble", "heading", "title"):
            continue
        for m in pat.finditer(u.text):
            (spaced if m.group(2) else tight).append((u, m))
    if not spaced or not tight:
        return
    u, m = spaced[0]
    emit("text.spacing", u, spaced=len(spaced), tight=len(tight), spaced_example=m.group(0),
         tight_example=tight[0][1].group(0), fixed=m.group(1) + m.group(3),
         quote=quote_at(u.text, m.start(), m.end()))


# numbering ------------------------------------------------------------------------------

_LEVELS = [
    (1, re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、．.，]")),
    (2, re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]")),
    (3, re.compile(r"^(\d{1,3})\s*[．.、](?!\d)")),
    (4, re.compile(r"^[（(](\d{1,3})[）)]")),
    (5, re.compile(r"^([①-⑳])")),
]


def label_level(label):
    """(level, number) of a printed label such as 一、 （二） 3. （4） ⑤; None if none."""
    label = (label or "").strip()
    for level, pat in _LEVELS:
        m = pat.match(label)
        if m:
            g = m.group(1)
            n = ord(g) - 0x2460 + 1 if level == 5 else cn_to_int(g)
            return level, n
    return None


def rule_numbering(s, emit):
    """Numbering that skips, repeats, or changes level out of order."""
    def unit_of(node, fallback):
        return s.node_units.get(id(node)) or fallback

    def check_seq(nodes, what, fallback):
        prev = None
        for node in nodes:
            ll = label_level(node.label)
            if ll is None:
                continue
            n = ll[1]
            u = unit_of(node, fallback)
            if prev is not None and n == prev:
                emit("text.numbering", u, problem="重复", detail=f"{what}序号 {node.label.strip()} "
                     "与上一项相同", hint="按顺序重新编号", quote=node.label.strip())
            elif prev is not None and n > prev + 1:
                emit("text.numbering", u, problem="跳号",
                     detail=f"{what}序号从 {prev} 跳到 {n}", hint="按顺序重新编号",
                     quote=node.label.strip())
            elif prev is not None and n < prev and n != 1:
                emit("text.numbering", u, problem="倒序",
                     detail=f"{what}序号 {n} 排在 {prev} 之后", hint="按顺序重新编号",
                     quote=node.label.strip())
            elif prev is None and n != 1 and what != "条目":
                emit("text.numbering", u, problem="不从一开始",
                     detail=f"第一个{what}的序号是 {n}", hint="从一（1）开始编号",
                     quote=node.label.strip())
            prev = n

    first = s.units[0] if s.units else None
    check_seq(s.doc.parts, "部分", first)

    def not_below(child, parent, pu, hint):
        """Say so if ``child``'s number is of ``parent``'s level or higher."""
        cl, pl = label_level(child.label), label_level(parent.label)
        if not (cl and pl and cl[0] <= pl[0]):
            return False
        emit("text.numbering", unit_of(child, pu), problem="层级错乱",
             detail=f"“{child.label.strip()}”与上级“{parent.label.strip()}”同级或更高",
             hint=hint, quote=child.label.strip())
        return True

    for part in s.doc.parts:
        pu = unit_of(part, first)
        check_seq(part.sections, "层次", pu)
        items = part.all_items()
        nums = [label_level(i.label) for i in items]
        if items and all(x is not None for x in nums):
            seq = [x[1] for x in nums]
            continuous = seq == list(range(1, len(seq) + 1))
            per_section = all([label_level(i.label)[1] for i in sec.items] ==
                              list(range(1, len(sec.items) + 1)) for sec in part.sections) \
                and [label_level(i.label)[1] for i in part.items] == \
                list(range(1, len(part.items) + 1))
            if not continuous and not per_section:
                if part.sections and any(label_level(sec.items[0].label)[1] == 1
                                         for sec in part.sections if sec.items):
                    check_seq(part.items, "条目", pu)
                    for sec in part.sections:
                        check_seq(sec.items, "条目", unit_of(sec, pu))
                else:
                    check_seq(items, "条目", pu)
        # siblings numbered at one level
        for siblings in [part.items, *[sec.items for sec in part.sections]]:
            levels = [(label_level(i.label), i) for i in siblings]
            levels = [(ll[0], i) for ll, i in levels if ll]
            if levels and len({lv for lv, _i in levels}) > 1:
                first_level = levels[0][0]
                odd = next(i for lv, i in levels if lv != first_level)
                emit("text.numbering", unit_of(odd, pu), problem="层级混用",
                     detail=f"同一层的序号“{levels[0][1].label.strip()}”和“{odd.label.strip()}”"
                     "属于不同层级", hint="同一层统一用一种序号（一、/（一）/1./（1））",
                     quote=odd.label.strip())
        # level order: parts above sections above items
        for sec in part.sections:
            not_below(sec, part, pu, "下一层用（一）、1.、（1）依次编号")
            for it in sec.items:
                if not_below(it, sec, pu, "下一层用 1.、（1）依次编号"):
                    break
    # enumerations inside a paragraph: 一是…二是…三是
    for u in _text_units(s):
        found = [(cn_to_int(m.group(1)), m) for m in
                 re.finditer(r"(?<![第\d])([一二三四五六七八九十]{1,2})是", u.text)]
        found = [(n, m) for n, m in found if n]
        if len(found) < 2 or found[0][0] != 1:
            continue
        prev = 1
        for n, m in found[1:]:
            if n == prev + 1:
                prev = n
            elif n == prev:
                emit("text.numbering", u, problem="重复", detail=f"段内列举“{m.group(0)}”重复",
                     hint="按一是、二是、三是顺序列举", quote=quote_at(u.text, m.start(), m.end()))
                break
            elif n > prev + 1:
                emit("text.numbering", u, problem="跳号",
                     detail=f"段内列举从“{cn_num(prev)}是”跳到“{m.group(0)}”",
                     hint="按一是、二是、三是顺序列举", quote=quote_at(u.text, m.start(), m.end()))
                break
            else:
                break


def cn_num(n):
    from .narrative import cn_number
    return cn_number(n)


def rule_patterns(s, emit, rules):
    """Rules of the catalogue with a ``pattern``: shipped (截止/截至) or the user's."""
    for rid, spec in rules.items():
        pat = spec.get("pattern")
        if not pat or spec.get("enabled") is False:
            continue
        rx = re.compile(pat)
        excepts = [re.compile(e) for e in spec.get("except") or []]
        for u in _text_units(s):
            for m in rx.finditer(u.text):
                around = u.text[max(0, m.start() - 10):m.end() + 10]
                if any(e.search(around) for e in excepts):
                    continue
                emit(rid, u, match=m.group(0), quote=quote_at(u.text, m.start(), m.end()))
