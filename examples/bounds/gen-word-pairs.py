#!/usr/bin/env python3
# gen-word-pairs.py SEED [MIN_WORDS MAX_WORDS] > pairs.ndjson
#
# Generated text for choosing the default level bounds of the word
# comparators: titles drawn from a Zipf vocabulary of made-up words,
# matches perturbed as exports perturb them, non-matches being other
# titles that share at least one word (as a token-blocked candidate does).
import json, random, sys
rnd = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
LO, HI = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (3, 10)
cons = "bcdfghjklmnprstvwz"; vow = "aeiou"
def word():
    return "".join(rnd.choice(cons) + rnd.choice(vow) for _ in range(rnd.randint(1, 4)))
V = [word() for _ in range(5000)]
W = [1.0 / (i + 1) for i in range(len(V))]
def code():
    return "".join(rnd.choice("abcdefghkmnprstx") for _ in range(rnd.randint(1,3))) + str(rnd.randint(10, 9999))
def title():
    t = rnd.choices(V, W, k=rnd.randint(LO, HI))
    if rnd.random() < 0.5:
        t.insert(rnd.randint(0, len(t)), code())
    return t
def typo(w):
    if len(w) < 2: return w
    i = rnd.randrange(len(w)); k = rnd.random()
    if k < 0.33: return w[:i] + w[i+1:]
    if k < 0.66: return w[:i] + rnd.choice(cons + vow) + w[i+1:]
    if i + 1 < len(w): return w[:i] + w[i+1] + w[i] + w[i+2:]
    return w
def variant(t):
    t = list(t)
    out = []
    for w in t:
        r = rnd.random()
        if r < 0.10: continue                 # word dropped
        if r < 0.20: w = typo(w)              # typo
        elif r < 0.25 and len(w) > 4: w = w[:3]  # abbreviated
        out.append(w)
    if rnd.random() < 0.3:                    # a word added
        out.insert(rnd.randint(0, len(out)), rnd.choices(V, W)[0])
    if len(out) > 1 and rnd.random() < 0.3:   # two words swapped
        i = rnd.randrange(len(out) - 1); out[i], out[i+1] = out[i+1], out[i]
    return out or t[:1]
titles = [title() for _ in range(20000)]
Vi = {w: k for k, w in enumerate(V)}
byword = {}
for i, t in enumerate(titles):
    for w in set(t): byword.setdefault(w, []).append(i)
n = 0
for i in range(3000):
    a = titles[i]
    print(json.dumps({"a": {"id": "a%d" % i, "t": " ".join(a)}, "b": {"id": "b%d" % i, "t": " ".join(variant(a))}, "_dq": {"m": 1}}))
    # a non-match sharing a rare-ish word (the rarest of the title)
    w = max([w for w in set(a) if w in Vi] or list(a), key=lambda w: Vi.get(w, -1))
    cands = [j for j in byword.get(w, []) if j != i]
    if not cands: cands = [rnd.randrange(len(titles))]
    j = rnd.choice(cands)
    print(json.dumps({"a": {"id": "a%d" % i, "t": " ".join(a)}, "b": {"id": "c%d" % j, "t": " ".join(variant(titles[j]))}, "_dq": {"m": 0}}))
