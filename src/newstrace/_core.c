/* newstrace's compiled inner loops.
 *
 * Alignment (newstrace.align): finding anchors, chaining them, word comparison and
 * the two dynamic programmes (global alignment between anchors, banded X-drop
 * extension at a chain's ends). Tokens (newstrace.normalize.tokens): the word scanner.
 *
 * The algorithm, its scores and its tie-breaks are those described in align.py; the
 * constants are given once from there through setup(). Each side of a pair is a
 * "word view": a tuple (key ids, surface lengths, case-folded surfaces) made by
 * align.Document.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { EXACT, VARIANT, NEAR, SUBSTITUTED, DELETED, INSERTED, N_KINDS };

static PyObject *kind_names[N_KINDS];
static double kind_scores[N_KINDS];
static double gap_score = -1.5, x_drop = 6.0, near_similarity = 0.7;
static int band = 4;
static int ready = 0;

typedef struct {
    Py_buffer keys, lens;
    PyObject *words; /* tuple of case-folded surfaces */
    Py_ssize_t n;
} View;

static void view_release(View *v) {
    if (v->keys.obj) PyBuffer_Release(&v->keys);
    if (v->lens.obj) PyBuffer_Release(&v->lens);
}

static int int_buffer(PyObject *obj, Py_buffer *buf, const char *what) {
    if (PyObject_GetBuffer(obj, buf, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (buf->itemsize != 4 || !buf->format || (strcmp(buf->format, "i") && strcmp(buf->format, "=i")
                                               && strcmp(buf->format, "<i"))) {
        PyErr_Format(PyExc_TypeError, "%s must be a buffer of 32-bit ints", what);
        PyBuffer_Release(buf);
        buf->obj = NULL;
        return -1;
    }
    return 0;
}

static int view_open(PyObject *tuple, View *v) {
    memset(v, 0, sizeof(*v));
    if (!PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != 3) {
        PyErr_SetString(PyExc_TypeError, "a word view is a 3-tuple");
        return -1;
    }
    if (int_buffer(PyTuple_GET_ITEM(tuple, 0), &v->keys, "key ids") < 0
        || int_buffer(PyTuple_GET_ITEM(tuple, 1), &v->lens, "surface lengths") < 0) {
        view_release(v);
        return -1;
    }
    v->words = PyTuple_GET_ITEM(tuple, 2);
    v->n = v->keys.len / 4;
    if (!PyTuple_Check(v->words) || PyTuple_GET_SIZE(v->words) != v->n || v->lens.len / 4 != v->n) {
        PyErr_SetString(PyExc_ValueError, "the parts of a word view differ in length");
        view_release(v);
        return -1;
    }
    for (Py_ssize_t i = 0; i < v->n; i++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(v->words, i))) {
            PyErr_SetString(PyExc_TypeError, "the folded words of a word view must be str");
            view_release(v);
            return -1;
        }
    return 0;
}

#define KEY(v, i) (((const int *)(v)->keys.buf)[i])
#define LEN(v, i) (((const int *)(v)->lens.buf)[i])

/* Levenshtein distance between two strings of code points. */
static Py_ssize_t levenshtein(PyObject *s, PyObject *t) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s), m = PyUnicode_GET_LENGTH(t);
    int ks = PyUnicode_KIND(s), kt = PyUnicode_KIND(t);
    const void *ds = PyUnicode_DATA(s), *dt = PyUnicode_DATA(t);
    Py_ssize_t small[64], *row = small;
    if (m + 1 > 64 && !(row = malloc((m + 1) * sizeof(Py_ssize_t)))) return -1;
    for (Py_ssize_t y = 0; y <= m; y++) row[y] = y;
    for (Py_ssize_t x = 1; x <= n; x++) {
        Py_UCS4 c = PyUnicode_READ(ks, ds, x - 1);
        Py_ssize_t diag = row[0];
        row[0] = x;
        for (Py_ssize_t y = 1; y <= m; y++) {
            Py_ssize_t up = row[y];
            Py_ssize_t best = diag + (c != PyUnicode_READ(kt, dt, y - 1));
            if (up + 1 < best) best = up + 1;
            if (row[y - 1] + 1 < best) best = row[y - 1] + 1;
            row[y] = best;
            diag = up;
        }
    }
    Py_ssize_t d = row[m];
    if (row != small) free(row);
    return d;
}

/* Kind of word i of a against word j of b (see align.compare). */
static int compare(const View *a, Py_ssize_t i, const View *b, Py_ssize_t j) {
    PyObject *s = PyTuple_GET_ITEM(a->words, i), *t = PyTuple_GET_ITEM(b->words, j);
    if (KEY(a, i) == KEY(b, j)) return s == t || PyUnicode_Compare(s, t) == 0 ? EXACT : VARIANT;
    int la = LEN(a, i), lb = LEN(b, j);
    int longer = la > lb ? la : lb;
    if (la >= 4 && lb >= 4 && abs(la - lb) <= (1 - near_similarity) * longer) {
        Py_ssize_t ls = PyUnicode_GET_LENGTH(s), lt = PyUnicode_GET_LENGTH(t);
        Py_ssize_t most = ls > lt ? ls : lt;
        if (most == 0) return NEAR;
        Py_ssize_t d = levenshtein(s, t);
        if (d >= 0 && 1.0 - (double)d / (double)most >= near_similarity) return NEAR;
    }
    return SUBSTITUTED;
}

/* A growing list of steps (kind, i, j). */
typedef struct {
    int *kind, *i, *j;
    Py_ssize_t n, cap;
} Steps;

static int steps_push(Steps *s, int kind, Py_ssize_t i, Py_ssize_t j) {
    if (s->n == s->cap) {
        Py_ssize_t cap = s->cap ? 2 * s->cap : 256;
        int *k = realloc(s->kind, cap * sizeof(int)), *a, *b;
        if (!k) return -1;
        s->kind = k;
        if (!(a = realloc(s->i, cap * sizeof(int)))) return -1;
        s->i = a;
        if (!(b = realloc(s->j, cap * sizeof(int)))) return -1;
        s->j = b;
        s->cap = cap;
    }
    s->kind[s->n] = kind;
    s->i[s->n] = (int)i;
    s->j[s->n] = (int)j;
    s->n++;
    return 0;
}

static void steps_reverse(Steps *s, Py_ssize_t from) {
    for (Py_ssize_t lo = from, hi = s->n - 1; lo < hi; lo++, hi--) {
        int t;
        t = s->kind[lo]; s->kind[lo] = s->kind[hi]; s->kind[hi] = t;
        t = s->i[lo]; s->i[lo] = s->i[hi]; s->i[hi] = t;
        t = s->j[lo]; s->j[lo] = s->j[hi]; s->j[hi] = t;
    }
}


static int long_buffer(PyObject *obj, Py_buffer *buf, const char *what) {
    if (PyObject_GetBuffer(obj, buf, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) return -1;
    const char *f = buf->format ? buf->format : "";
    if (*f == '<' || *f == '=' || *f == '@') f++;
    if (buf->itemsize != 8 || (strcmp(f, "q") && strcmp(f, "l"))) {
        PyErr_Format(PyExc_TypeError, "%s must be a buffer of 64-bit ints", what);
        PyBuffer_Release(buf);
        buf->obj = NULL;
        return -1;
    }
    return 0;
}

/* A bigram index (unique codes sorted, first position and count of each code's
 * starts, the starts) as made by align._bigram_index. */
typedef struct {
    Py_buffer codes, first, counts, starts;
    Py_ssize_t n;
} Bigrams;

static void bigrams_release(Bigrams *g) {
    if (g->codes.obj) PyBuffer_Release(&g->codes);
    if (g->first.obj) PyBuffer_Release(&g->first);
    if (g->counts.obj) PyBuffer_Release(&g->counts);
    if (g->starts.obj) PyBuffer_Release(&g->starts);
}

static int bigrams_open(PyObject *tuple, Bigrams *g) {
    memset(g, 0, sizeof(*g));
    if (!PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != 4) {
        PyErr_SetString(PyExc_TypeError, "a bigram index is a 4-tuple");
        return -1;
    }
    if (long_buffer(PyTuple_GET_ITEM(tuple, 0), &g->codes, "bigram codes") < 0
        || int_buffer(PyTuple_GET_ITEM(tuple, 1), &g->first, "bigram firsts") < 0
        || int_buffer(PyTuple_GET_ITEM(tuple, 2), &g->counts, "bigram counts") < 0
        || int_buffer(PyTuple_GET_ITEM(tuple, 3), &g->starts, "bigram starts") < 0) {
        bigrams_release(g);
        return -1;
    }
    g->n = g->codes.len / 8;
    if (g->first.len / 4 != g->n || g->counts.len / 4 != g->n) {
        PyErr_SetString(PyExc_ValueError, "the parts of a bigram index differ in length");
        bigrams_release(g);
        return -1;
    }
    const int *first = g->first.buf, *counts = g->counts.buf;
    for (Py_ssize_t k = 0; k < g->n; k++)
        if (first[k] < 0 || counts[k] < 0 || first[k] + (Py_ssize_t)counts[k] > g->starts.len / 4) {
            PyErr_SetString(PyExc_IndexError, "a bigram index points outside its starts");
            bigrams_release(g);
            return -1;
        }
    return 0;
}

static int cmp_long(const void *p, const void *q) {
    long long x = *(const long long *)p, y = *(const long long *)q;
    return (x > y) - (x < y);
}

/* Word pairs covered by a bigram both texts have, repeated at most max_repeats times
 * in each: both words of the bigram, sorted by i then j, each pair once. */
static Py_ssize_t find_anchors(const Bigrams *ga, const Bigrams *gb, int max_repeats, Py_ssize_t width,
                               int **out_i, int **out_j) {
    const long long *ca = ga->codes.buf, *cb = gb->codes.buf;
    const int *fa = ga->first.buf, *na = ga->counts.buf, *sa = ga->starts.buf;
    const int *fb = gb->first.buf, *nb = gb->counts.buf, *sb = gb->starts.buf;
    Py_ssize_t cap = 1024, n = 0, p = 0, q = 0;
    long long *found = malloc(cap * sizeof(long long));
    if (!found) return -1;
    while (p < ga->n && q < gb->n) {
        if (ca[p] < cb[q]) { p++; continue; }
        if (ca[p] > cb[q]) { q++; continue; }
        if (na[p] <= max_repeats && nb[q] <= max_repeats) {
            Py_ssize_t need = n + 2 * (Py_ssize_t)na[p] * nb[q];
            if (need > cap) {
                while (cap < need) cap *= 2;
                long long *grown = realloc(found, cap * sizeof(long long));
                if (!grown) { free(found); return -1; }
                found = grown;
            }
            for (int x = fa[p]; x < fa[p] + na[p]; x++)
                for (int y = fb[q]; y < fb[q] + nb[q]; y++) {
                    found[n++] = (long long)sa[x] * width + sb[y];
                    found[n++] = (long long)(sa[x] + 1) * width + sb[y] + 1;
                }
        }
        p++; q++;
    }
    qsort(found, n, sizeof(long long), cmp_long);
    Py_ssize_t kept = 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (kept == 0 || found[k] != found[kept - 1]) found[kept++] = found[k];
    int *ai = malloc((kept + 1) * sizeof(int)), *aj = malloc((kept + 1) * sizeof(int));
    if (!ai || !aj) { free(ai); free(aj); free(found); return -1; }
    for (Py_ssize_t k = 0; k < kept; k++) {
        ai[k] = (int)(found[k] / width);
        aj[k] = (int)(found[k] % width);
    }
    free(found);
    *out_i = ai;
    *out_j = aj;
    return kept;
}

/* Scratch matrices, grown as needed. */
typedef struct {
    double *score;
    unsigned char *kind;
    Py_ssize_t cap;
} Grid;

static int grid_fit(Grid *g, Py_ssize_t cells) {
    if (cells <= g->cap) return 0;
    double *s = realloc(g->score, cells * sizeof(double));
    if (!s) return -1;
    g->score = s;
    unsigned char *k = realloc(g->kind, cells);
    if (!k) return -1;
    g->kind = k;
    g->cap = cells;
    return 0;
}

/* Walk back from (x, y) and append the steps in text order. ia0/da and jb0/db map a
 * row or column number to a word index (first index and direction). */
static int traceback(Steps *out, const Grid *g, Py_ssize_t m, Py_ssize_t x, Py_ssize_t y,
                     Py_ssize_t ia0, int da, Py_ssize_t jb0, int db) {
    Py_ssize_t from = out->n;
    const double *S = g->score;
    Py_ssize_t w = m + 1;
    while (x > 0 || y > 0) {
        if (x > 0 && y > 0) {
            int k = g->kind[x * w + y];
            double s = kind_scores[k];
            if (fabs(S[x * w + y] - (S[(x - 1) * w + y - 1] + s)) < 1e-9) {
                if (steps_push(out, k, ia0 + da * (x - 1), jb0 + db * (y - 1)) < 0) return -1;
                x--; y--;
                continue;
            }
        }
        if (x > 0 && fabs(S[x * w + y] - (S[(x - 1) * w + y] + gap_score)) < 1e-9) {
            if (steps_push(out, DELETED, ia0 + da * (x - 1), -1) < 0) return -1;
            x--;
        } else {
            if (steps_push(out, INSERTED, -1, jb0 + db * (y - 1)) < 0) return -1;
            y--;
        }
    }
    steps_reverse(out, from);
    return 0;
}

static inline double max3(double p, double q, double r) {
    double v = p > q ? p : q;
    return v > r ? v : r;
}

/* Needleman-Wunsch between words ia0..ia0+n-1 of a and jb0..jb0+m-1 of b. */
static int global(Steps *out, Grid *g, const View *a, Py_ssize_t ia0, Py_ssize_t n,
                  const View *b, Py_ssize_t jb0, Py_ssize_t m) {
    if (n == 0 || m == 0) {
        for (Py_ssize_t x = 0; x < n; x++)
            if (steps_push(out, DELETED, ia0 + x, -1) < 0) return -1;
        for (Py_ssize_t y = 0; y < m; y++)
            if (steps_push(out, INSERTED, -1, jb0 + y) < 0) return -1;
        return 0;
    }
    Py_ssize_t w = m + 1;
    if (grid_fit(g, (n + 1) * w) < 0) return -1;
    double *S = g->score;
    S[0] = 0.0;
    for (Py_ssize_t x = 1; x <= n; x++) S[x * w] = x * gap_score;
    for (Py_ssize_t y = 1; y <= m; y++) S[y] = y * gap_score;
    for (Py_ssize_t x = 1; x <= n; x++) {
        for (Py_ssize_t y = 1; y <= m; y++) {
            int k = compare(a, ia0 + x - 1, b, jb0 + y - 1);
            g->kind[x * w + y] = (unsigned char)k;
            S[x * w + y] = max3(S[(x - 1) * w + y - 1] + kind_scores[k], S[(x - 1) * w + y] + gap_score,
                                S[x * w + y - 1] + gap_score);
        }
    }
    return traceback(out, g, m, n, m, ia0, 1, jb0, 1);
}

/* Best-scoring alignment of prefixes of two word runs starting at ia0 and jb0 and
 * running in direction dir (+1 or -1), at most n and m words long; banded and
 * stopped by X-drop. Steps are appended in run order. */
static int extend(Steps *out, Grid *g, const View *a, Py_ssize_t ia0, Py_ssize_t n,
                  const View *b, Py_ssize_t jb0, Py_ssize_t m, int dir) {
    Py_ssize_t w = m + 1;
    if (grid_fit(g, (n + 1) * w) < 0) return -1;
    double *S = g->score;
    for (Py_ssize_t c = 0; c < (n + 1) * w; c++) S[c] = -INFINITY;
    S[0] = 0.0;
    for (Py_ssize_t y = 1; y <= (m < band ? m : band); y++) S[y] = y * gap_score;
    double best = 0.0;
    Py_ssize_t bx = 0, by = 0;
    for (Py_ssize_t x = 1; x <= n; x++) {
        if (x <= band) S[x * w] = x * gap_score;
        double row_best = -INFINITY;
        Py_ssize_t lo = x - band > 1 ? x - band : 1, hi = x + band < m ? x + band : m;
        for (Py_ssize_t y = lo; y <= hi; y++) {
            int k = compare(a, ia0 + dir * (x - 1), b, jb0 + dir * (y - 1));
            g->kind[x * w + y] = (unsigned char)k;
            double v = max3(S[(x - 1) * w + y - 1] + kind_scores[k], S[(x - 1) * w + y] + gap_score,
                            S[x * w + y - 1] + gap_score);
            S[x * w + y] = v;
            if (v > row_best) row_best = v;
            if (v > best) { best = v; bx = x; by = y; }
        }
        if (row_best < best - x_drop) break;
    }
    return traceback(out, g, m, bx, by, ia0, dir, jb0, dir);
}

/* Steps of one chain of anchors: left extension, anchors with the gaps between them
 * aligned globally, right extension. */
static int chain_steps(Steps *out, Grid *g, const View *a, const View *b, const int *ci,
                       const int *cj, Py_ssize_t len, int max_gap) {
    Py_ssize_t i0 = ci[0], j0 = cj[0];
    Py_ssize_t nl = i0 < max_gap ? i0 : max_gap, ml = j0 < max_gap ? j0 : max_gap;
    Py_ssize_t from = out->n;
    if (extend(out, g, a, i0 - 1, nl, b, j0 - 1, ml, -1) < 0) return -1;
    steps_reverse(out, from);
    for (Py_ssize_t k = 0; k < len; k++) {
        if (steps_push(out, compare(a, ci[k], b, cj[k]), ci[k], cj[k]) < 0) return -1;
        if (k + 1 < len
            && global(out, g, a, ci[k] + 1, ci[k + 1] - ci[k] - 1, b, cj[k] + 1, cj[k + 1] - cj[k] - 1) < 0)
            return -1;
    }
    Py_ssize_t il = ci[len - 1], jl = cj[len - 1];
    Py_ssize_t nr = a->n - il - 1, mr = b->n - jl - 1;
    if (nr > max_gap) nr = max_gap;
    if (mr > max_gap) mr = max_gap;
    return extend(out, g, a, il + 1, nr, b, jl + 1, mr, 1);
}

/* Group anchors (sorted by i, then j) into chains increasing in both texts with
 * bounded gaps; an anchor joins the open chain it reaches most cheaply. Returns the
 * chain number of each anchor and the number of chains. */
static Py_ssize_t make_chains(const int *ai, const int *aj, Py_ssize_t n, int max_gap, int *label) {
    int *last = malloc((n + 1) * sizeof(int)); /* anchor index ending each chain */
    int *active = malloc((n + 1) * sizeof(int));
    if (!last || !active) { free(last); free(active); return -1; }
    Py_ssize_t chains = 0, n_active = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        int i = ai[k], j = aj[k];
        Py_ssize_t best = -1, kept = 0;
        int best_cost = 0;
        for (Py_ssize_t t = 0; t < n_active; t++) {
            int c = active[t];
            int li = ai[last[c]], lj = aj[last[c]];
            if (i - li > max_gap) continue;
            active[kept++] = c;
            int di = i - li, dj = j - lj;
            if (0 < di && 0 < dj && dj <= max_gap && abs(di - dj) <= max_gap / 2) {
                int cost = di + dj;
                if (best < 0 || cost < best_cost) { best = c; best_cost = cost; }
            }
        }
        n_active = kept;
        if (best >= 0) {
            last[best] = (int)k;
            label[k] = (int)best;
        } else {
            last[chains] = (int)k;
            label[k] = (int)chains;
            active[n_active++] = (int)chains;
            chains++;
        }
    }
    free(last);
    free(active);
    return chains;
}

static PyObject *steps_to_list(const Steps *s, Py_ssize_t from) {
    PyObject *list = PyList_New(s->n - from);
    if (!list) return NULL;
    for (Py_ssize_t k = from; k < s->n; k++) {
        int kind = s->kind[k];
        PyObject *step = Py_BuildValue("(Oiid)", kind_names[kind], s->i[k], s->j[k], kind_scores[kind]);
        if (!step) { Py_DECREF(list); return NULL; }
        PyList_SET_ITEM(list, k - from, step);
    }
    return list;
}

static int check_ready(void) {
    if (!ready) PyErr_SetString(PyExc_RuntimeError, "newstrace._core.setup() was not called");
    return ready;
}

PyDoc_STRVAR(align_steps_doc,
"align_steps(a_bigrams, b_bigrams, max_repeats, max_gap, min_chain, a_view, b_view)\n"
"-> list of step lists\n\n"
"Find the anchors of two texts, chain them, and return the aligned steps\n"
"(kind, i, j, score) of every chain of at least min_chain anchors, in the order the\n"
"chains were opened.");

static PyObject *py_align_steps(PyObject *self, PyObject *args) {
    PyObject *oga, *ogb, *oa, *ob;
    int max_repeats, max_gap, min_chain;
    if (!check_ready()
        || !PyArg_ParseTuple(args, "OOiiiOO", &oga, &ogb, &max_repeats, &max_gap, &min_chain, &oa, &ob))
        return NULL;
    Bigrams ga, gb;
    View a, b;
    PyObject *result = NULL;
    int *ai = NULL, *aj = NULL, *label = NULL, *order = NULL, *start = NULL, *ci = NULL, *cj = NULL;
    Steps steps = {0};
    Grid grid = {0};
    if (bigrams_open(oga, &ga) < 0) return NULL;
    if (bigrams_open(ogb, &gb) < 0) { bigrams_release(&ga); return NULL; }
    if (view_open(oa, &a) < 0) { bigrams_release(&ga); bigrams_release(&gb); return NULL; }
    if (view_open(ob, &b) < 0) { view_release(&a); bigrams_release(&ga); bigrams_release(&gb); return NULL; }
    Py_ssize_t n = find_anchors(&ga, &gb, max_repeats, b.n + 1, &ai, &aj);
    if (n < 0) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t k = 0; k < n; k++)
        if (ai[k] < 0 || ai[k] >= a.n || aj[k] < 0 || aj[k] >= b.n) {
            PyErr_SetString(PyExc_IndexError, "an anchor lies outside its text");
            goto done;
        }
    label = malloc((n + 1) * sizeof(int));
    if (!label) { PyErr_NoMemory(); goto done; }
    Py_ssize_t chains = make_chains(ai, aj, n, max_gap, label);
    if (chains < 0) { PyErr_NoMemory(); goto done; }
    /* Members of each chain, in anchor order (counting sort by label). */
    start = calloc(chains + 2, sizeof(int));
    order = malloc((n + 1) * sizeof(int));
    ci = malloc((n + 1) * sizeof(int));
    cj = malloc((n + 1) * sizeof(int));
    if (!start || !order || !ci || !cj) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t k = 0; k < n; k++) start[label[k] + 1]++;
    for (Py_ssize_t c = 0; c < chains; c++) start[c + 1] += start[c];
    {
        int *fill = malloc((chains + 1) * sizeof(int));
        if (!fill) { PyErr_NoMemory(); goto done; }
        memcpy(fill, start, (chains + 1) * sizeof(int));
        for (Py_ssize_t k = 0; k < n; k++) order[fill[label[k]]++] = (int)k;
        free(fill);
    }
    result = PyList_New(0);
    if (!result) goto done;
    for (Py_ssize_t c = 0; c < chains; c++) {
        Py_ssize_t len = start[c + 1] - start[c];
        if (len < min_chain) continue;
        for (Py_ssize_t t = 0; t < len; t++) {
            ci[t] = ai[order[start[c] + t]];
            cj[t] = aj[order[start[c] + t]];
        }
        steps.n = 0;
        if (chain_steps(&steps, &grid, &a, &b, ci, cj, len, max_gap) < 0) {
            PyErr_NoMemory();
            Py_CLEAR(result);
            goto done;
        }
        PyObject *list = steps_to_list(&steps, 0);
        if (!list || PyList_Append(result, list) < 0) {
            Py_XDECREF(list);
            Py_CLEAR(result);
            goto done;
        }
        Py_DECREF(list);
    }
done:
    free(ai); free(aj); free(label); free(order); free(start); free(ci); free(cj);
    free(steps.kind); free(steps.i); free(steps.j);
    free(grid.score); free(grid.kind);
    view_release(&a); view_release(&b);
    bigrams_release(&ga); bigrams_release(&gb);
    return result;
}

PyDoc_STRVAR(compare_doc, "compare(a_view, i, b_view, j) -> (kind, score) of word i of a against word j of b.");

static PyObject *py_compare(PyObject *self, PyObject *args) {
    PyObject *oa, *ob;
    Py_ssize_t i, j;
    if (!check_ready() || !PyArg_ParseTuple(args, "OnOn", &oa, &i, &ob, &j)) return NULL;
    View a, b;
    if (view_open(oa, &a) < 0) return NULL;
    if (view_open(ob, &b) < 0) { view_release(&a); return NULL; }
    PyObject *result = NULL;
    if (i < 0 || i >= a.n || j < 0 || j >= b.n)
        PyErr_SetString(PyExc_IndexError, "word index out of range");
    else {
        int k = compare(&a, i, &b, j);
        result = Py_BuildValue("(Od)", kind_names[k], kind_scores[k]);
    }
    view_release(&a);
    view_release(&b);
    return result;
}

PyDoc_STRVAR(setup_doc,
"setup(kinds, scores, gap, band, x_drop, near_similarity)\n\n"
"Give the kind names (exact, variant, near, substituted, deleted, inserted), their\n"
"scores and the alignment constants; called once by newstrace.align.");

static PyObject *py_setup(PyObject *self, PyObject *args) {
    PyObject *kinds, *scores;
    if (!PyArg_ParseTuple(args, "OOdidd", &kinds, &scores, &gap_score, &band, &x_drop, &near_similarity))
        return NULL;
    if (!PyTuple_Check(kinds) || PyTuple_GET_SIZE(kinds) != N_KINDS || !PyTuple_Check(scores)
        || PyTuple_GET_SIZE(scores) != N_KINDS) {
        PyErr_SetString(PyExc_ValueError, "setup() needs six kinds and six scores");
        return NULL;
    }
    for (int k = 0; k < N_KINDS; k++) {
        double s = PyFloat_AsDouble(PyTuple_GET_ITEM(scores, k));
        if (s == -1.0 && PyErr_Occurred()) return NULL;
        kind_scores[k] = s;
        Py_XSETREF(kind_names[k], Py_NewRef(PyTuple_GET_ITEM(kinds, k)));
    }
    ready = 1;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(word_spans_doc,
"word_spans(text) -> (starts, ends)\n\n"
"Where the words of text start and end: what the pattern\n"
"(?:[A-Za-z]\\.){2,}|[^\\W_]+(?:['\u2019\\-][^\\W_]+)* finds, scanning left to right\n"
"(initialisms such as U.S. first, then runs of letters and digits joined by\n"
"apostrophes and hyphens).");

static inline int is_ascii_letter(Py_UCS4 c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static inline int is_joiner(Py_UCS4 c) { return c == '\'' || c == 0x2019 || c == '-'; }

static PyObject *py_word_spans(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "word_spans() needs a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    PyObject *starts = PyList_New(0), *ends = PyList_New(0);
    if (!starts || !ends) goto fail;
    Py_ssize_t p = 0;
    while (p < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, p);
        Py_ssize_t end = -1;
        if (is_ascii_letter(c)) {
            Py_ssize_t q = p, k = 0;
            while (q + 1 < n && is_ascii_letter(PyUnicode_READ(kind, data, q))
                   && PyUnicode_READ(kind, data, q + 1) == '.') {
                q += 2;
                k++;
            }
            if (k >= 2) end = q;
        }
        if (end < 0 && Py_UNICODE_ISALNUM(c)) {
            Py_ssize_t q = p + 1;
            while (q < n && Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, q))) q++;
            while (q + 1 < n && is_joiner(PyUnicode_READ(kind, data, q))
                   && Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, q + 1))) {
                q += 2;
                while (q < n && Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, q))) q++;
            }
            end = q;
        }
        if (end < 0) {
            p++;
            continue;
        }
        PyObject *a = PyLong_FromSsize_t(p), *b = PyLong_FromSsize_t(end);
        int failed = !a || !b || PyList_Append(starts, a) < 0 || PyList_Append(ends, b) < 0;
        Py_XDECREF(a);
        Py_XDECREF(b);
        if (failed) goto fail;
        p = end;
    }
    PyObject *result = PyTuple_Pack(2, starts, ends);
    Py_DECREF(starts);
    Py_DECREF(ends);
    return result;
fail:
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    return NULL;
}

static PyMethodDef methods[] = {
    {"setup", py_setup, METH_VARARGS, setup_doc},
    {"align_steps", py_align_steps, METH_VARARGS, align_steps_doc},
    {"compare", py_compare, METH_VARARGS, compare_doc},
    {"word_spans", py_word_spans, METH_O, word_spans_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "newstrace._core",
                                    "newstrace's compiled inner loops (alignment, word scanning).", -1, methods};

PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&module); }
