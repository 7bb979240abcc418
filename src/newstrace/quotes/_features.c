/* The attribution models' scores over a parsed paragraph, computed without making a string.

   A linear model (learned.LinearModel) weighs feature strings such as "lpath=say|nsubj<^" or
   "ln=tell|reporters". Making those strings in Python, hundreds of thousands a trace, and
   looking each up was most of the models' time. Here each feature string is never made: its
   64-bit FNV-1a hash is fed piece by piece (the template's name, a lemma, "|", a path …), which
   gives the hash of the whole string, and looked up in a table of the model's features by
   the same hash of their strings. The features are those of learned.py's _cue_features,
   _pair_features and boundary_features, which stay the definition (training reads them);
   tests/test_learned.py holds every score here equal to theirs on parsed news.

   A paragraph is read once into C arrays (paragraph()), pointing into the UTF-8 of the view's
   own strings, which the capsule keeps alive (the view never changes them), and its tree and
   sentences derived there, once, for the view too. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t Hash;
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

typedef struct {
    const char *s;
    Py_ssize_t n;
} Str;

static inline Hash feed(Hash h, const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= FNV_PRIME;
    }
    return h;
}
static inline Hash put(Hash h, Str s) { return feed(h, s.s, s.n); }
static inline Hash lit(Hash h, const char *s) { return feed(h, s, (Py_ssize_t)strlen(s)); }
static inline Hash named(const char *template_) { return lit(FNV_OFFSET, template_); }
static inline Hash truth(Hash h, int yes) { return yes ? feed(h, "True", 4) : feed(h, "False", 5); }

/* --- the weights, by hash ------------------------------------------------------------- */

typedef struct {
    Hash *keys; /* 0: an empty slot (a hash of 0 is stored as 1) */
    double *values;
    size_t mask;
} Table;

static inline Hash slot_key(Hash h) { return h ? h : 1; }

static void table_free(PyObject *capsule) {
    Table *t = PyCapsule_GetPointer(capsule, "newstrace.feature_table");
    if (t) {
        PyMem_Free(t->keys);
        PyMem_Free(t->values);
        PyMem_Free(t);
    }
}

static inline double weight(const Table *t, Hash h) {
    h = slot_key(h);
    for (size_t at = (size_t)h & t->mask;; at = (at + 1) & t->mask) {
        if (t->keys[at] == h) return t->values[at];
        if (t->keys[at] == 0) return 0.0;
    }
}

PyDoc_STRVAR(weights_table_doc,
"weights_table(weights) -> capsule\n\n"
"A linear model's weights (a dict of feature string to weight) as a table by the features'\n"
"hashes, which the scores below read.");

static PyObject *py_weights_table(PyObject *self, PyObject *weights) {
    if (!PyDict_Check(weights)) {
        PyErr_SetString(PyExc_TypeError, "weights_table expects a dict");
        return NULL;
    }
    size_t size = 16;
    while (size < (size_t)PyDict_GET_SIZE(weights) * 2 + 1) size <<= 1;
    Table *t = PyMem_Calloc(1, sizeof(Table));
    if (!t) return PyErr_NoMemory();
    t->keys = PyMem_Calloc(size, sizeof(Hash));
    t->values = PyMem_Calloc(size, sizeof(double));
    t->mask = size - 1;
    if (!t->keys || !t->values) {
        PyMem_Free(t->keys);
        PyMem_Free(t->values);
        PyMem_Free(t);
        return PyErr_NoMemory();
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(weights, &pos, &key, &value)) {
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize(key, &n);
        double w = PyFloat_AsDouble(value);
        if (!s || (w == -1.0 && PyErr_Occurred())) {
            PyMem_Free(t->keys);
            PyMem_Free(t->values);
            PyMem_Free(t);
            return NULL;
        }
        Hash h = slot_key(feed(FNV_OFFSET, s, n));
        size_t at = (size_t)h & t->mask;
        while (t->keys[at] != 0 && t->keys[at] != h) at = (at + 1) & t->mask;
        t->keys[at] = h;
        t->values[at] += w; /* two strings of one hash (never seen) would weigh as one */
    }
    PyObject *capsule = PyCapsule_New(t, "newstrace.feature_table", table_free);
    if (!capsule) {
        PyMem_Free(t->keys);
        PyMem_Free(t->values);
        PyMem_Free(t);
    }
    return capsule;
}

/* --- a paragraph ---------------------------------------------------------------------- */

enum { TEXT, LOWER, LEMMA, POS, TAG, DEP, N_STRINGS };

typedef struct {
    Py_ssize_t n;
    Str *str[N_STRINGS];
    /* Read: */
    int *head, *quoted, *punct, *stop;
    /* Derived from those and the sentence starts: */
    int *kid_at, *kids; /* token i's children are kids[kid_at[i]] .. kids[kid_at[i + 1] - 1], in order */
    int *left, *right, *below, *sent_start, *sent_end, *sentence_quoted;
    PyObject *keep; /* the lists the strings point into */
} Para;

static void para_free(PyObject *capsule) {
    Para *p = PyCapsule_GetPointer(capsule, "newstrace.paragraph");
    if (!p) return;
    for (int k = 0; k < N_STRINGS; k++) PyMem_Free(p->str[k]);
    int *arrays[] = {p->head, p->quoted, p->punct, p->stop, p->kid_at, p->kids, p->left, p->right, p->below,
                     p->sent_start, p->sent_end, p->sentence_quoted};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++) PyMem_Free(arrays[k]);
    Py_XDECREF(p->keep);
    PyMem_Free(p);
}

/* A string that is no valid UTF-8: it matches no feature of a model (whose strings are
   UTF-8), as a word the model never saw; a word with a lone surrogate stands as one. */
static const Str UNSEEN = {"\xff", 1};

static int read_strings(PyObject *list, Py_ssize_t n, Str **out) {
    if (!PyList_Check(list) || PyList_GET_SIZE(list) != n) {
        PyErr_SetString(PyExc_ValueError, "paragraph: a column of strings of the wrong length");
        return -1;
    }
    Str *s = PyMem_Calloc(n ? n : 1, sizeof(Str));
    if (!s) return PyErr_NoMemory(), -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        s[i].s = PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(list, i), &s[i].n);
        if (!s[i].s) {
            if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
                PyMem_Free(s);
                return -1;
            }
            PyErr_Clear();
            s[i] = UNSEEN;
        }
    }
    *out = s;
    return 0;
}

/* A column of n numbers, each in 0 .. limit - 1 (flags: limit 2, from bools). */
static int read_ints(PyObject *list, Py_ssize_t n, long limit, int **out) {
    if (!PyList_Check(list) || PyList_GET_SIZE(list) != n) {
        PyErr_SetString(PyExc_ValueError, "paragraph: a column of the wrong length");
        return -1;
    }
    int *x = PyMem_Calloc(n ? n : 1, sizeof(int));
    if (!x) return PyErr_NoMemory(), -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PyList_GET_ITEM(list, i));
        if (v < 0 || v >= limit) {
            PyMem_Free(x);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "paragraph: a value out of its range");
            return -1;
        }
        x[i] = (int)v;
    }
    *out = x;
    return 0;
}

/* Everything the tree and the sentences give: children, subtree edges, whether a word below a
   token is quoted, each token's sentence and whether a word of it is quoted. */
static int derive(Para *p, PyObject *sentence_flags) {
    Py_ssize_t n = p->n, m = n ? n : 1;
    int *order = PyMem_Malloc(m * sizeof(int)), *fill = PyMem_Calloc(m, sizeof(int));
    p->kid_at = PyMem_Calloc(n + 1, sizeof(int)), p->kids = PyMem_Malloc(m * sizeof(int));
    p->left = PyMem_Malloc(m * sizeof(int)), p->right = PyMem_Malloc(m * sizeof(int));
    p->below = PyMem_Calloc(m, sizeof(int)), p->sent_start = PyMem_Malloc(m * sizeof(int));
    p->sent_end = PyMem_Malloc(m * sizeof(int)), p->sentence_quoted = PyMem_Calloc(m, sizeof(int));
    int ok = order && fill && p->kid_at && p->kids && p->left && p->right && p->below && p->sent_start &&
             p->sent_end && p->sentence_quoted;
    if (!ok) {
        PyErr_NoMemory();
        goto done;
    }
    int *head = p->head;
    for (Py_ssize_t i = 0; i < n; i++) {
        p->left[i] = p->right[i] = (int)i;
        if (head[i] != i) p->kid_at[head[i] + 1]++;
    }
    for (Py_ssize_t i = 0; i < n; i++) p->kid_at[i + 1] += p->kid_at[i];
    for (Py_ssize_t i = 0; i < n; i++) /* children in order of their index */
        if (head[i] != i) p->kids[p->kid_at[head[i]] + fill[head[i]]++] = (int)i;
    /* Every token after its head (roots first, breadth first); read backwards, children first.
       A malformed tree's cycle is never reached, so never loops. */
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (head[i] == i) order[count++] = (int)i;
    for (Py_ssize_t at = 0; at < count; at++)
        for (int k = p->kid_at[order[at]]; k < p->kid_at[order[at] + 1]; k++) order[count++] = p->kids[k];
    for (Py_ssize_t at = count - 1; at >= 0; at--) {
        int i = order[at], h = head[i];
        if (h == i) continue;
        p->below[h] = p->below[h] || p->quoted[i] || p->below[i];
        if (p->left[i] < p->left[h]) p->left[h] = p->left[i];
        if (p->right[i] > p->right[h]) p->right[h] = p->right[i];
    }
    /* Sentences as doc.sents reads them: one starts at the first token and wherever SENT_START
       is 1 (to_array gives 1, 0, or -1 as an unsigned 64-bit number). */
    for (Py_ssize_t lo = 0; lo < n;) {
        Py_ssize_t hi = lo + 1;
        int quoted = p->quoted[lo];
        for (; hi < n; hi++) {
            unsigned long long flag = PyLong_AsUnsignedLongLongMask(PyList_GET_ITEM(sentence_flags, hi));
            if (flag == (unsigned long long)-1 && PyErr_Occurred()) {
                ok = 0;
                goto done;
            }
            if (flag == 1) break;
            quoted = quoted || p->quoted[hi];
        }
        for (Py_ssize_t i = lo; i < hi; i++)
            p->sent_start[i] = (int)lo, p->sent_end[i] = (int)hi, p->sentence_quoted[i] = quoted;
        lo = hi;
    }
done:
    PyMem_Free(order), PyMem_Free(fill);
    return ok ? 0 : -1;
}

static PyObject *int_list(const int *x, Py_ssize_t n, int as_bool) {
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out && i < n; i++) {
        PyObject *v = as_bool ? PyBool_FromLong(x[i]) : PyLong_FromLong(x[i]);
        if (!v) Py_CLEAR(out);
        else PyList_SET_ITEM(out, i, v);
    }
    return out;
}

static PyObject *children_lists(const Para *p) {
    PyObject *out = PyList_New(p->n);
    for (Py_ssize_t i = 0; out && i < p->n; i++) {
        PyObject *mine = int_list(p->kids + p->kid_at[i], p->kid_at[i + 1] - p->kid_at[i], 0);
        if (!mine) Py_CLEAR(out);
        else PyList_SET_ITEM(out, i, mine);
    }
    return out;
}

PyDoc_STRVAR(paragraph_doc,
"paragraph(text, lower, lemma, pos, tag, dep, head, quoted, sent_start_flags, punct, stop)\n"
"    -> (capsule, children, left, right, below_quoted, sent_start, sent_end)\n\n"
"A parsed paragraph's columns (learned._DocView's; head: each token's head's index, a root\n"
"its own; sent_start_flags: spaCy's SENT_START) read for the scores below, with what its tree\n"
"and sentences give, for each token: its children in order, the first and last token of its\n"
"subtree, whether a word of its subtree (itself aside) is quoted, its sentence's first token\n"
"and the one after its last, as doc.sents reads them.");

static PyObject *py_paragraph(PyObject *self, PyObject *args) {
    PyObject *cols[11];
    if (!PyArg_UnpackTuple(args, "paragraph", 11, 11, &cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5],
                           &cols[6], &cols[7], &cols[8], &cols[9], &cols[10]))
        return NULL;
    if (!PyList_Check(cols[0]) || !PyList_Check(cols[8]) || PyList_GET_SIZE(cols[8]) != PyList_GET_SIZE(cols[0])) {
        PyErr_SetString(PyExc_ValueError, "paragraph: columns are lists of one length");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(cols[0]);
    Para *p = PyMem_Calloc(1, sizeof(Para));
    if (!p) return PyErr_NoMemory();
    p->n = n;
    p->keep = PyTuple_GetSlice(args, 0, N_STRINGS);
    PyObject *capsule = p->keep ? PyCapsule_New(p, "newstrace.paragraph", para_free) : NULL;
    if (!capsule) {
        Py_XDECREF(p->keep);
        PyMem_Free(p);
        return NULL;
    }
    for (int k = 0; k < N_STRINGS; k++)
        if (read_strings(cols[k], n, &p->str[k]) < 0) goto fail;
    if (read_ints(cols[6], n, n, &p->head) < 0 || read_ints(cols[7], n, 2, &p->quoted) < 0 ||
        read_ints(cols[9], n, 2, &p->punct) < 0 || read_ints(cols[10], n, 2, &p->stop) < 0 || derive(p, cols[8]) < 0)
        goto fail;
    return Py_BuildValue("(NNNNNNN)", capsule, children_lists(p), int_list(p->left, n, 0), int_list(p->right, n, 0),
                         int_list(p->below, n, 1), int_list(p->sent_start, n, 0), int_list(p->sent_end, n, 0));
fail:
    Py_DECREF(capsule);
    return NULL;
}

/* --- the features --------------------------------------------------------------------- */

typedef struct {
    const Table *table;
    const Para *p;
    double sum;
} Score;

static inline void add(Score *sc, Hash h) { sc->sum += weight(sc->table, h); }

#define S(k, i) (sc->p->str[k][i])
static inline int is(Str s, const char *word) {
    size_t n = strlen(word);
    return (size_t)s.n == n && memcmp(s.s, word, n) == 0;
}
static inline int is_any(Str s, const char *const *words) {
    for (; *words; words++)
        if (is(s, *words)) return 1;
    return 0;
}

static const char *BUCKETS[] = {"0", "1", "2", "3"};
static const char *bucket(Py_ssize_t n) {
    return n <= 3 ? BUCKETS[n < 0 ? 0 : n] : n <= 5 ? "4-5" : n <= 10 ? "6-10" : "11+";
}

static const Str BEGIN = {"<s>", 3}, END = {"</s>", 4};

static const char *const SUBJECTS[] = {"nsubj", "nsubjpass", NULL};
static const char *const SHAPE_DEPS[] = {"agent", "ccomp", "dative", "dobj", "nsubj", "nsubjpass", "prep", "xcomp", NULL};
static const char *const GOVERNED[] = {"prep", "agent", "dative", "prt", NULL};
static const char *const OBJECTS[] = {"dobj", "attr", NULL};
static const char *const CLAUSES[] = {"ccomp", "xcomp", "acl", "relcl", "advcl", NULL};

static int str_less(Str a, Str b) {
    int c = memcmp(a.s, b.s, (size_t)(a.n < b.n ? a.n : b.n));
    return c < 0 || (c == 0 && a.n < b.n);
}
static int str_same(Str a, Str b) { return a.n == b.n && memcmp(a.s, b.s, (size_t)a.n) == 0; }

/* learned._cue_features of token i. */
static void cue_features(Score *sc, Py_ssize_t i) {
    const Para *p = sc->p;
    Py_ssize_t n = p->n;
    Str lemma = S(LEMMA, i), pos = S(POS, i), dep = S(DEP, i), tag = S(TAG, i);
    int h = p->head[i];
    Str prev = i > 0 ? S(LOWER, i - 1) : BEGIN, next = i + 1 < n ? S(LOWER, i + 1) : END;
    add(sc, put(named("w="), S(LOWER, i)));
    add(sc, put(named("l="), lemma));
    add(sc, put(named("p="), pos));
    add(sc, put(named("t="), tag));
    add(sc, put(named("d="), dep));
    add(sc, put(lit(put(named("lp="), lemma), "|"), pos));
    add(sc, put(lit(put(named("ld="), lemma), "|"), dep));
    add(sc, put(lit(put(named("lt="), lemma), "|"), tag));
    add(sc, put(lit(put(named("h="), S(LEMMA, h)), "|"), dep));
    add(sc, put(lit(put(named("hp="), S(POS, h)), "|"), dep));
    add(sc, put(named("prev="), prev));
    add(sc, put(named("next="), next));
    add(sc, put(lit(put(named("ln="), lemma), "|"), next));
    add(sc, put(lit(put(named("pl="), prev), "|"), lemma));
    add(sc, truth(named("q="), p->quoted[i]));
    add(sc, truth(lit(put(named("lq="), lemma), "|"), p->quoted[i]));
    /* The children's dependencies, each once ("kids" is a set). */
    int lo = p->kid_at[i], hi = p->kid_at[i + 1];
    for (int a = lo; a < hi; a++) {
        Str k = S(DEP, p->kids[a]);
        int seen = 0;
        for (int b = lo; b < a && !seen; b++) seen = str_same(S(DEP, p->kids[b]), k);
        if (seen) continue;
        add(sc, put(named("k="), k));
        add(sc, put(lit(put(named("lk="), lemma), "|"), k));
        add(sc, put(lit(put(named("pk="), pos), "|"), k));
    }
    /* shape: the children's dependencies of a few kinds, sorted, joined by "+"
       (SHAPE_DEPS is in sorted order). */
    Hash shape = named("shape="), lshape = lit(put(named("lshape="), lemma), "|");
    int first = 1;
    for (const char *const *d = SHAPE_DEPS; *d; d++) {
        int present = 0;
        for (int a = lo; a < hi && !present; a++) present = is(S(DEP, p->kids[a]), *d);
        if (!present) continue;
        if (!first) shape = lit(shape, "+"), lshape = lit(lshape, "+");
        shape = lit(shape, *d), lshape = lit(lshape, *d);
        first = 0;
    }
    add(sc, shape);
    add(sc, lshape);
    for (int a = lo; a < hi; a++) {
        int c = p->kids[a];
        if (!is_any(S(DEP, c), SUBJECTS)) continue;
        Str kind = is(S(POS, c), "PRON") ? S(LOWER, c) : S(POS, c);
        add(sc, put(named("subj="), kind));
        add(sc, put(lit(put(named("psubj="), pos), "|"), kind));
        break;
    }
    for (int a = lo; a < hi; a++)
        if (is_any(S(DEP, p->kids[a]), GOVERNED)) add(sc, put(lit(put(named("lc="), lemma), "|"), S(LOWER, p->kids[a])));
    if (is(S(TEXT, i), ":")) {
        add(sc, named("colon"));
        add(sc, lit(named("colon_at="), bucket(i - p->sent_start[i])));
    }
    add(sc, truth(named("subq="), p->below[i]));
    add(sc, truth(lit(put(named("lsubq="), lemma), "|"), p->below[i]));
    add(sc, truth(named("sq="), p->sentence_quoted[i]));
    add(sc, put(lit(put(named("hl="), S(LEMMA, h)), "|"), lemma));
    for (int a = lo; a < hi; a++) {
        int c = p->kids[a];
        Str d = S(DEP, c);
        if (is_any(d, SUBJECTS)) {
            add(sc, put(named("sl="), S(LEMMA, c)));
            add(sc, put(lit(put(named("lsl="), lemma), "|"), S(LEMMA, c)));
        } else if (is_any(d, OBJECTS)) {
            add(sc, put(lit(put(named("ol="), lemma), "|"), S(LEMMA, c)));
        } else if (is_any(d, CLAUSES)) {
            Str mark = {"-", 1};
            for (int b = p->kid_at[c]; b < p->kid_at[c + 1]; b++)
                if (is(S(DEP, p->kids[b]), "mark")) {
                    mark = S(LOWER, p->kids[b]);
                    break;
                }
            add(sc, put(lit(put(named("cpos="), d), "|"), S(POS, c)));
            add(sc, put(lit(put(named("mark="), d), "|"), mark));
            add(sc, put(lit(put(named("lmark="), lemma), "|"), mark));
        }
    }
    add(sc, put(named("p2="), i > 1 ? S(LOWER, i - 2) : BEGIN));
    add(sc, put(named("n2="), i + 2 < n ? S(LOWER, i + 2) : END));
}

static const char PUNCT_MARKS[] = ",:;\xe2\x80\x94\xe2\x80\x93()"; /* ",:;—–()" */

static int among_punct_marks(Str s) {
    if (s.n == 0 || (size_t)s.n > sizeof PUNCT_MARKS - 1) return 0;
    for (size_t at = 0; at + (size_t)s.n <= sizeof PUNCT_MARKS - 1; at++)
        if (memcmp(PUNCT_MARKS + at, s.s, (size_t)s.n) == 0) return 1;
    return 0;
}

/* learned._pair_features of cue u and candidate c (chain_a, chain_b: room for two chains of heads). */
static void pair_features(Score *sc, int u, int c, int source, int *chain_a, int *chain_b) {
    const Para *p = sc->p;
    Str lemma = S(LEMMA, u), cpos = S(POS, c), cdep = S(DEP, c);
    /* The path once, as a string of its own, so that it can be fed after other pieces. */
    char path_text[512];
    Py_ssize_t path_n = 0;
    {
        int na = 0, nb = 0;
        for (int k = u;; k = p->head[k]) {
            chain_a[na++] = k;
            if (p->head[k] == k || na > p->n) break;
        }
        for (int k = c;; k = p->head[k]) {
            chain_b[nb++] = k;
            if (p->head[k] == k || nb > p->n) break;
        }
        const char *fixed = NULL;
        int k = na - 1, j = nb - 1;
        if (chain_a[na - 1] != chain_b[nb - 1]) fixed = "none";
        else {
            while (k && j && chain_a[k - 1] == chain_b[j - 1]) k--, j--;
            if (k + j > 4) fixed = "far";
        }
        if (fixed) {
            path_n = (Py_ssize_t)strlen(fixed);
            memcpy(path_text, fixed, (size_t)path_n);
        } else {
            /* At most four labels and their joins: well within the buffer unless a label is
               absurdly long, which is cut (and then matches no feature, as it should not). */
#define APPEND(src, len) do { Py_ssize_t m_ = (len); if (path_n + m_ > (Py_ssize_t)sizeof path_text) m_ = (Py_ssize_t)sizeof path_text - path_n; memcpy(path_text + path_n, (src), (size_t)m_); path_n += m_; } while (0)
            for (int x = 0; x < k; x++) {
                if (x) APPEND(">", 1);
                APPEND(p->str[DEP][chain_a[x]].s, p->str[DEP][chain_a[x]].n);
            }
            APPEND("^", 1);
            for (int x = j - 1; x >= 0; x--) {
                APPEND(p->str[DEP][chain_b[x]].s, p->str[DEP][chain_b[x]].n);
                if (x) APPEND("<", 1);
            }
#undef APPEND
        }
    }
    Str pth = {path_text, path_n};
    const char *side = c < u ? "before" : c > u ? "after" : "same";
    int same = !is(pth, "none");
    add(sc, put(named("path="), pth));
    add(sc, put(lit(put(named("lpath="), lemma), "|"), pth));
    add(sc, lit(named("side="), side));
    add(sc, lit(lit(named("dist="), side), bucket(c > u ? c - u : u - c)));
    add(sc, put(named("cp="), cpos));
    add(sc, put(named("ct="), S(TAG, c)));
    add(sc, put(named("cd="), cdep));
    add(sc, put(lit(put(named("cpd="), cpos), "|"), pth));
    add(sc, truth(named("same="), same));
    add(sc, truth(named("cq="), p->quoted[c]));
    add(sc, truth(truth(named("cuq="), p->quoted[u]), p->quoted[c]));
    add(sc, put(lit(put(named("cuepos="), S(POS, u)), "|"), pth));
    add(sc, lit(lit(put(named("lside="), lemma), "|"), side));
    int lo = (u < c ? u : c) + 1, hi = u > c ? u : c;
    int alike = 0;
    for (int x = lo; x < hi; x++) alike += str_same(S(POS, x), cpos);
    const char *nearest = alike == 0 ? "1" : "0";
    add(sc, lit(put(named("nbetween="), cpos), alike == 0 ? "0" : alike == 1 ? "1" : "2+"));
    /* "punct=": the distinct words between that are among ",:;—–()", sorted and joined. */
    {
        Str found[32];
        int nf = 0;
        for (int x = lo; x < hi; x++) {
            Str t = S(TEXT, x);
            if (!among_punct_marks(t)) continue;
            int seen = 0;
            for (int y = 0; y < nf && !seen; y++) seen = str_same(found[y], t);
            if (!seen && nf < 32) found[nf++] = t;
        }
        for (int a = 1; a < nf; a++) /* insertion sort: a handful at most */
            for (int b = a; b > 0 && str_less(found[b], found[b - 1]); b--) {
                Str swap = found[b];
                found[b] = found[b - 1], found[b - 1] = swap;
            }
        Hash h = named("punct=");
        for (int a = 0; a < nf; a++) h = put(h, found[a]);
        add(sc, h);
    }
    int has_subject = 0;
    for (int a = p->kid_at[c]; a < p->kid_at[c + 1] && !has_subject; a++) {
        Str d = S(DEP, p->kids[a]);
        has_subject = is(d, "nsubj") || is(d, "nsubjpass") || is(d, "expl");
    }
    add(sc, truth(named("csubj="), has_subject));
    if (source) {
        if (is(cpos, "PRON")) add(sc, put(named("pron="), S(LOWER, c)));
        add(sc, is(cpos, "NOUN") ? put(named("slem="), S(LEMMA, c)) : named("slem=-"));
        add(sc, put(lit(put(named("sdep="), cdep), "|"), lemma));
        add(sc, truth(lit(lit(named("snb="), nearest), "|"), c < u));
    } else {
        add(sc, lit(named("size="), bucket(p->right[c] - p->left[c] + 1)));
        add(sc, truth(named("root="), is(cdep, "ROOT")));
        add(sc, truth(named("holds="), p->left[c] <= u && u <= p->right[c]));
        add(sc, is(cpos, "ADP") || is(cpos, "SCONJ") ? put(named("cl="), S(LEMMA, c)) : named("cl=-"));
        add(sc, truth(named("csubq="), p->quoted[c] || p->below[c]));
        add(sc, put(lit(put(named("cdl="), cdep), "|"), lemma));
        add(sc, put(lit(lit(lit(lit(named("nb="), nearest), "|"), c > u ? "after" : "before"), "|"), cpos));
    }
}

/* learned.boundary_features of a content headed by h ending (right) or starting at k. */
static void boundary_features(Score *sc, int h, int k, int rule, int right) {
    const Para *p = sc->p;
    int start = p->sent_start[h], end = p->sent_end[h];
    int d = k - rule;
    char shift[8];
    snprintf(shift, sizeof shift, "%s%s", d == 0 ? "" : d > 0 ? "+" : "-", d == 0 ? "0" : bucket(d > 0 ? d : -d));
    const char *side = right ? "R" : "L";
    int beyond = right ? k + 1 : k - 1;
    int nb = start <= beyond && beyond < end ? beyond : -1;
#define WORD(x) ((x) < 0 ? (Str){"edge", 4} : p->punct[x] || p->stop[x] ? S(LOWER, x) : S(POS, x))
    Str wk = WORD(k), wnb = WORD(nb);
    int rest_lo = right ? k + 1 : start, rest_hi = right ? end : k;
    add(sc, lit(lit(named("d="), side), shift));
    add(sc, put(lit(named("w="), side), wk));
    add(sc, put(lit(named("nb="), side), wnb));
    add(sc, put(lit(put(lit(named("wnb="), side), wk), "|"), wnb));
    add(sc, put(lit(lit(lit(named("dp="), side), shift), "|"), S(POS, h)));
    int all_punct = 1;
    for (int x = rest_lo; x < rest_hi && all_punct; x++) all_punct = p->punct[x];
    add(sc, truth(lit(named("edge="), side), all_punct));
    add(sc, truth(lit(named("q="), side), p->quoted[k]));
    add(sc, lit(lit(put(lit(named("dep="), side), S(DEP, k)), "|"), shift));
    int first, last;
    if (right) first = p->left[h] < h ? p->left[h] : h, last = k;
    else first = k, last = p->right[h] > h ? p->right[h] : h;
    int dangling = 0;
    for (int x = rest_lo; x < rest_hi; x++)
        dangling += first <= p->head[x] && p->head[x] <= last && !p->punct[x];
    add(sc, lit(lit(named("dang="), side), dangling == 0 ? "0" : dangling == 1 ? "1" : "2+"));
    if (nb >= 0) {
        add(sc, put(lit(named("nbdep="), side), S(DEP, nb)));
        add(sc, truth(truth(lit(named("nbq="), side), p->quoted[nb]), p->quoted[k]));
        add(sc, truth(lit(put(lit(named("nbdh="), side), S(DEP, nb)), "|"), first <= p->head[nb] && p->head[nb] <= last));
    }
#undef WORD
}

/* --- the scores --------------------------------------------------------------------- */

static int open_args(PyObject *table_cap, PyObject *para_cap, Score *sc) {
    sc->table = PyCapsule_GetPointer(table_cap, "newstrace.feature_table");
    if (!sc->table) return -1;
    sc->p = PyCapsule_GetPointer(para_cap, "newstrace.paragraph");
    if (!sc->p) return -1;
    return 0;
}

PyDoc_STRVAR(cue_scores_doc,
"cue_scores(table, bias, paragraph) -> list[float]\n\n"
"The cue model's score of every token of the paragraph (learned._cue_features).");

static PyObject *py_cue_scores(PyObject *self, PyObject *args) {
    PyObject *table_cap, *para_cap;
    double bias;
    Score sc;
    if (!PyArg_ParseTuple(args, "OdO", &table_cap, &bias, &para_cap) || open_args(table_cap, para_cap, &sc) < 0)
        return NULL;
    PyObject *out = PyList_New(sc.p->n);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < sc.p->n; i++) {
        sc.sum = 0.0;
        cue_features(&sc, i);
        PyObject *x = PyFloat_FromDouble(bias + sc.sum);
        if (!x) return Py_DECREF(out), NULL;
        PyList_SET_ITEM(out, i, x);
    }
    return out;
}

static int index_in(PyObject *obj, const Para *p, int *out) {
    long v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v < 0 || v >= p->n) {
        PyErr_SetString(PyExc_IndexError, "a token index out of the paragraph");
        return -1;
    }
    *out = (int)v;
    return 0;
}

PyDoc_STRVAR(pair_scores_doc,
"pair_scores(table, bias, paragraph, cue, candidates, source) -> list[float]\n\n"
"The source (source true) or content model's score of each candidate token for the cue\n"
"token (learned._pair_features).");

static PyObject *py_pair_scores(PyObject *self, PyObject *args) {
    PyObject *table_cap, *para_cap, *cands;
    double bias;
    int u_obj, source;
    Score sc;
    if (!PyArg_ParseTuple(args, "OdOiO!p", &table_cap, &bias, &para_cap, &u_obj, &PyList_Type, &cands, &source) ||
        open_args(table_cap, para_cap, &sc) < 0)
        return NULL;
    if (u_obj < 0 || u_obj >= sc.p->n) {
        PyErr_SetString(PyExc_IndexError, "a cue out of the paragraph");
        return NULL;
    }
    int *chains = PyMem_Malloc(sizeof(int) * 2 * (size_t)(sc.p->n + 2));
    if (!chains) return PyErr_NoMemory();
    PyObject *out = PyList_New(PyList_GET_SIZE(cands));
    if (!out) goto fail;
    for (Py_ssize_t a = 0; a < PyList_GET_SIZE(cands); a++) {
        int c;
        if (index_in(PyList_GET_ITEM(cands, a), sc.p, &c) < 0) goto fail;
        sc.sum = 0.0;
        pair_features(&sc, u_obj, c, source, chains, chains + sc.p->n + 2);
        PyObject *x = PyFloat_FromDouble(bias + sc.sum);
        if (!x) goto fail;
        PyList_SET_ITEM(out, a, x);
    }
    PyMem_Free(chains);
    return out;
fail:
    PyMem_Free(chains);
    Py_XDECREF(out);
    return NULL;
}

PyDoc_STRVAR(boundary_scores_doc,
"boundary_scores(table, bias, paragraph, head, first, last, rule, right) -> list[float]\n\n"
"The content-start (right false) or content-end model's score of each token first..last as\n"
"where the content headed by head starts or ends (learned.boundary_features).");

static PyObject *py_boundary_scores(PyObject *self, PyObject *args) {
    PyObject *table_cap, *para_cap;
    double bias;
    int h, first, last, rule, right;
    Score sc;
    if (!PyArg_ParseTuple(args, "OdOiiiip", &table_cap, &bias, &para_cap, &h, &first, &last, &rule, &right) ||
        open_args(table_cap, para_cap, &sc) < 0)
        return NULL;
    if (h < 0 || h >= sc.p->n || first < 0 || last >= sc.p->n || first > last + 1) {
        PyErr_SetString(PyExc_IndexError, "a boundary out of the paragraph");
        return NULL;
    }
    PyObject *out = PyList_New(last - first + 1);
    if (!out) return NULL;
    for (int k = first; k <= last; k++) {
        sc.sum = 0.0;
        boundary_features(&sc, h, k, rule, right);
        PyObject *x = PyFloat_FromDouble(bias + sc.sum);
        if (!x) return Py_DECREF(out), NULL;
        PyList_SET_ITEM(out, k - first, x);
    }
    return out;
}

PyDoc_STRVAR(feature_score_doc,
"feature_score(weights, features, bias) -> float\n\n"
"bias plus the weight of each feature present in the dict weights (a feature it lacks weighs\n"
"nothing): a linear model's score of a list of feature strings (training and the cue's extent\n"
"read them so).");

static PyObject *py_feature_score(PyObject *self, PyObject *args) {
    PyObject *weights, *features;
    double bias, total = 0.0;
    if (!PyArg_ParseTuple(args, "O!O!d", &PyDict_Type, &weights, &PyList_Type, &features, &bias)) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(features); i++) {
        PyObject *w = PyDict_GetItemWithError(weights, PyList_GET_ITEM(features, i));
        if (w == NULL) {
            if (PyErr_Occurred()) return NULL;
            continue;
        }
        double x = PyFloat_AsDouble(w);
        if (x == -1.0 && PyErr_Occurred()) return NULL;
        total += x;
    }
    return PyFloat_FromDouble(bias + total);
}

static PyMethodDef methods[] = {
    {"weights_table", py_weights_table, METH_O, weights_table_doc},
    {"paragraph", py_paragraph, METH_VARARGS, paragraph_doc},
    {"cue_scores", py_cue_scores, METH_VARARGS, cue_scores_doc},
    {"pair_scores", py_pair_scores, METH_VARARGS, pair_scores_doc},
    {"boundary_scores", py_boundary_scores, METH_VARARGS, boundary_scores_doc},
    {"feature_score", py_feature_score, METH_VARARGS, feature_score_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "newstrace.quotes._features",
                                    "The attribution models' features and scores, compiled.", -1, methods};

PyMODINIT_FUNC PyInit__features(void) { return PyModule_Create(&module); }
