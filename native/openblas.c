/*
 * dgr's native matrix product: C = act(op(A)·op(B) + bias) with OpenBLAS's cblas_sgemm, computed in place on
 * the memory of a tfjs-backend-wasm instance (its heap, a plain ArrayBuffer) at the tensors' byte offsets.
 * Nothing is copied in or out: the wasm kernels and this one read and write the same float32 arrays.
 *
 * Why: wasm SIMD on one core reaches about 9-14 G multiply-adds/s on the products that dominate a training
 * step; OpenBLAS reaches about 45 per core on the same shapes (issue 16's measurements).
 *
 * Convolutions (NHWC, filters [fh, fw, ci, co]) are the same products on an im2col matrix of patches: the
 * forward pass is patches · W, the filter gradient patchesᵀ · dy, the input gradient (dy · Wᵀ) scattered
 * back into dx (col2im). The patches live in a temporary buffer outside the wasm heap, a few samples at a
 * time.
 *
 * The module keeps no JavaScript state between calls, so Node can load it in every worker thread (N-API
 * modules declared with NAPI_MODULE_INIT are context-aware). OpenBLAS itself is loaded once per process, so
 * its thread count (setThreads) is shared by every thread that calls it: core/engine/openblas.ts sets it.
 */
#define NAPI_VERSION 8
#include <cblas.h>
#include <math.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The activations tfjs's _FusedMatMul applies; the numbers are the ones core/engine/openblas.ts passes. */
enum activation { LINEAR = 0, RELU = 1, RELU6 = 2, ELU = 3, LEAKYRELU = 4, PRELU = 5, SIGMOID = 6 };

#define CHECK(call)                                                                                        \
  do {                                                                                                     \
    if ((call) != napi_ok) {                                                                               \
      napi_throw_error(env, NULL, "dgr openblas: N-API call failed: " #call);                           \
      return NULL;                                                                                         \
    }                                                                                                      \
  } while (0)

/* The arguments of matMul, in the order JavaScript passes them (after the heap). */
enum arg {
  A_OFFSET, B_OFFSET, C_OFFSET, BATCH, BATCH_A, BATCH_B, M, N, K, TRANSPOSE_A, TRANSPOSE_B,
  BIAS_OFFSET, BIAS_STRIDE, ACTIVATION, ALPHA, PRELU_OFFSET, PRELU_STRIDE, ARG_COUNT
};

/* True when floats [offset, offset + count) lie inside a heap of `bytes` bytes, 4-byte aligned. */
static int inside(int64_t offset, int64_t count, size_t bytes) {
  return offset >= 0 && count >= 0 && offset % 4 == 0 && (uint64_t)(offset + 4 * count) <= (uint64_t)bytes;
}

/* Adds the bias row and applies the activation to an m×n row-major block, in place. */
static void epilogue(float *c, int64_t rows, int64_t n, const float *bias, int64_t biasStride, int activation,
                     float alpha, const float *prelu, int64_t preluStride) {
  /* One pass per step, each a loop the compiler vectorises (a switch inside the loop kept it scalar). */
  for (int64_t i = 0; i < rows; i++) {
    float *restrict row = c + i * n;
    if (bias != NULL && biasStride == 1) for (int64_t j = 0; j < n; j++) row[j] += bias[j];
    if (bias != NULL && biasStride == 0) for (int64_t j = 0; j < n; j++) row[j] += bias[0];
    switch (activation) {
      case RELU: for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? 0.0f : row[j]; break;
      case RELU6: for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? 0.0f : (row[j] > 6.0f ? 6.0f : row[j]); break;
      case ELU: for (int64_t j = 0; j < n; j++) row[j] = row[j] >= 0.0f ? row[j] : expm1f(row[j]); break;
      case LEAKYRELU: for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? alpha * row[j] : row[j]; break;
      case PRELU: for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? prelu[j * preluStride] * row[j] : row[j]; break;
      case SIGMOID: for (int64_t j = 0; j < n; j++) row[j] = 1.0f / (1.0f + expf(-row[j])); break;
      default: break;
    }
  }
}

/*
 * matMul(heap, a, b, c, batch, batchA, batchB, m, n, k, transposeA, transposeB,
 *        bias, biasStride, activation, alpha, prelu, preluStride)
 *
 * For every bi < batch: C[bi] (m×n) = act(op(A[bi % batchA]) · op(B[bi % batchB]) + bias), the batch
 * indexing of tfjs's BatchMatMul. a, b, c, bias and prelu are byte offsets into heap; bias and prelu are −1
 * when absent, and their strides are 1 (one value per column) or 0 (one value for all).
 */
static napi_value MatMul(napi_env env, napi_callback_info info) {
  size_t argc = ARG_COUNT + 1;
  napi_value argv[ARG_COUNT + 1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != ARG_COUNT + 1) {
    napi_throw_type_error(env, NULL, "dgr openblas: matMul takes the heap and 17 numbers");
    return NULL;
  }
  void *heap;
  size_t bytes;
  bool isBuffer;
  CHECK(napi_is_arraybuffer(env, argv[0], &isBuffer));
  if (!isBuffer) {
    napi_throw_type_error(env, NULL, "dgr openblas: the heap must be an ArrayBuffer (the wasm memory)");
    return NULL;
  }
  CHECK(napi_get_arraybuffer_info(env, argv[0], &heap, &bytes));
  int64_t v[ARG_COUNT];
  double alpha;
  for (int i = 0; i < ARG_COUNT; i++) {
    if (i == ALPHA) CHECK(napi_get_value_double(env, argv[i + 1], &alpha));
    else CHECK(napi_get_value_int64(env, argv[i + 1], &v[i]));
  }
  const int64_t batch = v[BATCH], batchA = v[BATCH_A], batchB = v[BATCH_B], m = v[M], n = v[N], k = v[K];
  if (batch < 1 || batchA < 1 || batchB < 1 || m < 0 || n < 0 || k < 0 || m > INT32_MAX || n > INT32_MAX ||
      k > INT32_MAX || !inside(v[A_OFFSET], batchA * m * k, bytes) || !inside(v[B_OFFSET], batchB * k * n, bytes) ||
      !inside(v[C_OFFSET], batch * m * n, bytes) ||
      (v[BIAS_OFFSET] >= 0 && !inside(v[BIAS_OFFSET], v[BIAS_STRIDE] ? n : 1, bytes)) ||
      (v[ACTIVATION] == PRELU && !inside(v[PRELU_OFFSET], v[PRELU_STRIDE] ? n : 1, bytes))) {
    napi_throw_range_error(env, NULL, "dgr openblas: matMul shapes or offsets fall outside the wasm heap");
    return NULL;
  }
  uint8_t *base = heap;
  const float *a = (const float *)(base + v[A_OFFSET]);
  const float *b = (const float *)(base + v[B_OFFSET]);
  float *c = (float *)(base + v[C_OFFSET]);
  const float *bias = v[BIAS_OFFSET] >= 0 ? (const float *)(base + v[BIAS_OFFSET]) : NULL;
  const float *prelu = v[ACTIVATION] == PRELU ? (const float *)(base + v[PRELU_OFFSET]) : NULL;
  const int transA = v[TRANSPOSE_A] != 0, transB = v[TRANSPOSE_B] != 0;
  const int lda = transA ? (int)m : (int)k;
  const int ldb = transB ? (int)k : (int)n;

  if (m > 0 && n > 0) {
    if (k == 0) {
      memset(c, 0, (size_t)(batch * m * n) * sizeof(float));
    } else if (batchB == 1 && batchA == batch && !transA) {
      /* Every A[bi] meets the same B and the A's lie row after row: one product of batch·m rows. */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, transB ? CblasTrans : CblasNoTrans, (int)(batch * m), (int)n,
                  (int)k, 1.0f, a, lda, b, ldb, 0.0f, c, (int)n);
    } else {
      for (int64_t bi = 0; bi < batch; bi++) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, (int)m,
                    (int)n, (int)k, 1.0f, a + (bi % batchA) * m * k, lda, b + (bi % batchB) * k * n, ldb, 0.0f,
                    c + bi * m * n, (int)n);
      }
    }
    if (bias != NULL || v[ACTIVATION] != LINEAR) {
      epilogue(c, batch * m, n, bias, v[BIAS_STRIDE], (int)v[ACTIVATION], (float)alpha, prelu, v[PRELU_STRIDE]);
    }
  }
  return NULL;
}

/* The geometry of a convolution, in the order JavaScript passes it (an Int32Array). */
enum geometry {
  G_BATCH, G_IN_H, G_IN_W, G_IN_C, G_OUT_H, G_OUT_W, G_OUT_C, G_FILTER_H, G_FILTER_W, G_STRIDE_H, G_STRIDE_W,
  G_DILATION_H, G_DILATION_W, G_PAD_TOP, G_PAD_LEFT, GEOMETRY_SIZE
};

typedef struct {
  int64_t batch, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, dH, dW, top, left;
} conv_t;

/* Floats of patches kept at once: 16 MB, a few samples of the largest layers here. */
#define PATCH_FLOATS (4 << 20)

/* Rows of one sample's patch matrix (output positions) and its columns (filter taps × input channels). */
static int64_t patchRows(const conv_t *g) { return g->outH * g->outW; }
static int64_t patchCols(const conv_t *g) { return g->fH * g->fW * g->inC; }

/*
 * The patch matrix's memory, kept per thread and grown when a convolution needs more: a fresh malloc of a few
 * megabytes per call is a fresh mmap, and its page faults cost as much as the agent's whole convolution.
 */
static _Thread_local float *patchMemory = NULL;
static _Thread_local size_t patchCapacity = 0;

static float *patchBuffer(size_t floats) {
  if (floats > patchCapacity) {
    free(patchMemory);
    patchMemory = malloc(floats * sizeof(float));
    patchCapacity = patchMemory == NULL ? 0 : floats;
  }
  return patchMemory;
}

/* Samples per chunk, so the chunk's patches fit in PATCH_FLOATS (at least one sample). */
static int64_t chunkOf(const conv_t *g) {
  int64_t per = patchRows(g) * patchCols(g);
  int64_t n = per > 0 ? PATCH_FLOATS / per : g->batch;
  return n < 1 ? 1 : (n > g->batch ? g->batch : n);
}

/* patches[(s·outH + oh)·outW + ow, (kh·fW + kw)·inC + c] = x[s, oh·sH + kh·dH − top, ow·sW + kw·dW − left, c]. */
static void im2col(const conv_t *g, const float *x, int64_t samples, float *patches) {
  const int64_t cols = patchCols(g), span = g->fW * g->inC;
  for (int64_t s = 0; s < samples; s++) {
    for (int64_t oh = 0; oh < g->outH; oh++) {
      for (int64_t ow = 0; ow < g->outW; ow++) {
        float *row = patches + ((s * g->outH + oh) * g->outW + ow) * cols;
        const int64_t iw0 = ow * g->sW - g->left, iwLast = iw0 + (g->fW - 1) * g->dW;
        for (int64_t kh = 0; kh < g->fH; kh++) {
          const int64_t ih = oh * g->sH + kh * g->dH - g->top;
          float *to = row + kh * span;
          if (ih < 0 || ih >= g->inH) {
            for (int64_t i = 0; i < span; i++) to[i] = 0.0f;
            continue;
          }
          const float *line = x + (s * g->inH + ih) * g->inW * g->inC;
          // Undilated taps inside the row are one contiguous run of fW·inC floats: one copy, not one per tap
          // (with the agent's 7 channels the per-tap loop cost four times the product itself).
          if (g->dW == 1 && iw0 >= 0 && iwLast < g->inW) {
            const float *from = line + iw0 * g->inC;
            for (int64_t i = 0; i < span; i++) to[i] = from[i];
            continue;
          }
          for (int64_t kw = 0; kw < g->fW; kw++) {
            const int64_t iw = iw0 + kw * g->dW;
            float *tap = to + kw * g->inC;
            const float *from = line + iw * g->inC;
            if (iw < 0 || iw >= g->inW) for (int64_t c = 0; c < g->inC; c++) tap[c] = 0.0f;
            else for (int64_t c = 0; c < g->inC; c++) tap[c] = from[c];
          }
        }
      }
    }
  }
}

/* The transpose of im2col: adds every patch entry back onto the input position it was read from. */
static void col2im(const conv_t *g, const float *patches, int64_t samples, float *dx) {
  const int64_t cols = patchCols(g);
  for (int64_t s = 0; s < samples; s++) {
    for (int64_t oh = 0; oh < g->outH; oh++) {
      for (int64_t ow = 0; ow < g->outW; ow++) {
        const float *row = patches + ((s * g->outH + oh) * g->outW + ow) * cols;
        for (int64_t kh = 0; kh < g->fH; kh++) {
          const int64_t ih = oh * g->sH + kh * g->dH - g->top;
          if (ih < 0 || ih >= g->inH) continue;
          for (int64_t kw = 0; kw < g->fW; kw++) {
            const int64_t iw = ow * g->sW + kw * g->dW - g->left;
            if (iw < 0 || iw >= g->inW) continue;
            const float *from = row + (kh * g->fW + kw) * g->inC;
            float *to = dx + ((s * g->inH + ih) * g->inW + iw) * g->inC;
            for (int64_t c = 0; c < g->inC; c++) to[c] += from[c];
          }
        }
      }
    }
  }
}

enum conv_kind { FORWARD = 0, FILTER_GRADIENT = 1, INPUT_GRADIENT = 2 };

/*
 * conv(kind, heap, geometry, first, second, out): byte offsets into heap.
 *   FORWARD:         first = x,  second = filter, out = y   [batch, outH, outW, outC]
 *   FILTER_GRADIENT: first = x,  second = dy,     out = dW  [fH, fW, inC, outC]
 *   INPUT_GRADIENT:  first = dy, second = filter, out = dx  [batch, inH, inW, inC]
 */
static napi_value Conv(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t kind;
  bool isBuffer;
  if (argc != 6 || napi_get_value_int32(env, argv[0], &kind) != napi_ok || kind < FORWARD || kind > INPUT_GRADIENT ||
      napi_is_arraybuffer(env, argv[1], &isBuffer) != napi_ok || !isBuffer) {
    napi_throw_type_error(env, NULL, "dgr openblas: conv takes a kind, the heap, an Int32Array geometry and 3 offsets");
    return NULL;
  }
  void *heap;
  size_t bytes;
  CHECK(napi_get_arraybuffer_info(env, argv[1], &heap, &bytes));
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[2], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_int32_array ||
      length != GEOMETRY_SIZE) {
    napi_throw_type_error(env, NULL, "dgr openblas: conv geometry must be an Int32Array of 15");
    return NULL;
  }
  const int32_t *q = data;
  const conv_t g = {q[G_BATCH], q[G_IN_H], q[G_IN_W], q[G_IN_C], q[G_OUT_H], q[G_OUT_W], q[G_OUT_C], q[G_FILTER_H],
                    q[G_FILTER_W], q[G_STRIDE_H], q[G_STRIDE_W], q[G_DILATION_H], q[G_DILATION_W], q[G_PAD_TOP], q[G_PAD_LEFT]};
  int64_t offsets[3];
  for (int i = 0; i < 3; i++) CHECK(napi_get_value_int64(env, argv[3 + i], &offsets[i]));
  const int64_t xSize = g.batch * g.inH * g.inW * g.inC, ySize = g.batch * g.outH * g.outW * g.outC;
  const int64_t wSize = g.fH * g.fW * g.inC * g.outC;
  const int64_t sizes[3][3] = {{xSize, wSize, ySize}, {xSize, ySize, wSize}, {ySize, wSize, xSize}};
  int ok = g.batch >= 1 && g.inH >= 1 && g.inW >= 1 && g.inC >= 1 && g.outH >= 1 && g.outW >= 1 && g.outC >= 1 &&
           g.fH >= 1 && g.fW >= 1 && g.sH >= 1 && g.sW >= 1 && g.dH >= 1 && g.dW >= 1 && g.top >= 0 && g.left >= 0 &&
           patchCols(&g) <= INT32_MAX && g.batch * patchRows(&g) <= INT32_MAX;
  for (int i = 0; ok && i < 3; i++) ok = inside(offsets[i], sizes[kind][i], bytes);
  if (!ok) {
    napi_throw_range_error(env, NULL, "dgr openblas: conv geometry or offsets fall outside the wasm heap");
    return NULL;
  }
  uint8_t *base = heap;
  const float *first = (const float *)(base + offsets[0]);
  const float *second = (const float *)(base + offsets[1]);
  float *out = (float *)(base + offsets[2]);
  const int64_t chunk = chunkOf(&g), rows = patchRows(&g), cols = patchCols(&g);
  float *patches = patchBuffer((size_t)(chunk * rows * cols));
  if (patches == NULL) {
    napi_throw_error(env, NULL, "dgr openblas: out of memory for a convolution's patches");
    return NULL;
  }
  if (kind == INPUT_GRADIENT) memset(out, 0, (size_t)xSize * sizeof(float));
  for (int64_t s0 = 0; s0 < g.batch; s0 += chunk) {
    const int64_t n = g.batch - s0 < chunk ? g.batch - s0 : chunk;
    const int r = (int)(n * rows);
    const int64_t xAt = s0 * g.inH * g.inW * g.inC, yAt = s0 * rows * g.outC;
    if (kind == FORWARD) {
      im2col(&g, first + xAt, n, patches);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, r, (int)g.outC, (int)cols, 1.0f, patches, (int)cols, second,
                  (int)g.outC, 0.0f, out + yAt, (int)g.outC);
    } else if (kind == FILTER_GRADIENT) {
      im2col(&g, first + xAt, n, patches);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)cols, (int)g.outC, r, 1.0f, patches, (int)cols,
                  second + yAt, (int)g.outC, s0 == 0 ? 0.0f : 1.0f, out, (int)g.outC);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, r, (int)cols, (int)g.outC, 1.0f, first + yAt, (int)g.outC,
                  second, (int)g.outC, 0.0f, patches, (int)cols);
      col2im(&g, patches, n, out + xAt);
    }
  }
  return NULL;
}

/*
 * The calls below take the wasm heap and then numbers: reads `count` arguments, checks the first is an
 * ArrayBuffer and the rest (from `from`) numbers into `numbers`; returns the heap, or NULL with `usage` thrown.
 */
static void *heapCall(napi_env env, napi_callback_info info, size_t count, size_t from, napi_value *argv,
                      double *numbers, size_t *bytes, const char *usage) {
  size_t argc = count;
  bool isBuffer = false;
  void *heap = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != count ||
      napi_is_arraybuffer(env, argv[0], &isBuffer) != napi_ok || !isBuffer ||
      napi_get_arraybuffer_info(env, argv[0], &heap, bytes) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  for (size_t i = from; i < count; i++) {
    if (napi_get_value_double(env, argv[i], &numbers[i - from]) != napi_ok) {
      napi_throw_type_error(env, NULL, usage);
      return NULL;
    }
  }
  return heap;
}

static void *at(void *heap, double offset) { return (char *)heap + (int64_t)offset; }

/*
 * epilogue(heap, c, rows, n, bias, biasStride, activation, alpha, prelu, preluStride): matMul's bias and
 * activation over a rows × n block in place, for a product computed elsewhere (a convolution's output).
 */
static napi_value Epilogue(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  double v[9];
  size_t bytes;
  void *heap = heapCall(env, info, 10, 1, argv, v, &bytes, "dgr openblas: epilogue takes the heap and 9 numbers");
  if (heap == NULL) return NULL;
  const int64_t c = (int64_t)v[0], rows = (int64_t)v[1], n = (int64_t)v[2], bias = (int64_t)v[3];
  const int64_t biasStride = (int64_t)v[4], prelu = (int64_t)v[7], preluStride = (int64_t)v[8];
  const int activation = (int)v[5];
  if (rows < 0 || n < 0 || !inside(c, rows * n, bytes) || (bias >= 0 && !inside(bias, biasStride ? n : 1, bytes)) ||
      (prelu >= 0 && !inside(prelu, preluStride ? n : 1, bytes)) || activation < LINEAR || activation > SIGMOID ||
      (activation == PRELU && prelu < 0)) {
    napi_throw_range_error(env, NULL, "dgr openblas: epilogue's tensors must lie inside the heap");
    return NULL;
  }
  epilogue(at(heap, v[0]), rows, n, bias >= 0 ? at(heap, v[3]) : NULL, biasStride, activation, (float)v[6],
           prelu >= 0 ? at(heap, v[7]) : NULL, preluStride);
  return NULL;
}

/*
 * sumRows(heap, x, out, rows, cols): out[j] = sum over i of x[i][j] for a row-major rows × cols block — a bias
 * gradient, tfjs's Sum over every axis but the last. The pure wasm Sum transposes its input first to reduce the
 * inner axis, a copy of the whole gradient; this reads it once, a row at a time.
 */
static napi_value SumRows(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  double v[4];
  size_t bytes;
  void *heap = heapCall(env, info, 5, 1, argv, v, &bytes, "dgr openblas: sumRows takes the heap, 2 offsets, rows and cols");
  if (heap == NULL) return NULL;
  const int64_t rows = (int64_t)v[2], cols = (int64_t)v[3];
  if (rows < 0 || cols < 0 || !inside((int64_t)v[0], rows * cols, bytes) || !inside((int64_t)v[1], cols, bytes)) {
    napi_throw_range_error(env, NULL, "dgr openblas: sumRows's tensors must lie inside the heap");
    return NULL;
  }
  const float *x = at(heap, v[0]);
  float *out = at(heap, v[1]);
  for (int64_t j = 0; j < cols; j++) out[j] = 0;
  for (int64_t i = 0; i < rows; i++) {
    const float *row = x + i * cols;
    for (int64_t j = 0; j < cols; j++) out[j] += row[j];
  }
  return NULL;
}

/* The update itself, over arrays that do not overlap (restrict lets the compiler vectorise it). */
static void adam(int64_t n, const float *restrict p, const float *restrict g, const float *restrict m,
                 const float *restrict v, float *restrict p1, float *restrict m1, float *restrict v1, float beta1,
                 float beta2, float stepSize, float correction2, float eps) {
  for (int64_t i = 0; i < n; i++) {
    const float mi = beta1 * m[i] + (1 - beta1) * g[i];
    const float vi = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    m1[i] = mi;
    v1[i] = vi;
    p1[i] = p[i] - stepSize * mi / (sqrtf(vi) / correction2 + eps);
  }
}

/*
 * adamStep(heap, param, grad, m, v, param', m', v', n, beta1, beta2, stepSize, correction2, epsilon): one Adam
 * update of n floats (core/engine/adam-kernel.ts says why), PyTorch's rule:
 *   m' = beta1 m + (1 - beta1) g,  v' = beta2 v + (1 - beta2) g^2,  param' = param - stepSize m' / (sqrt(v') / correction2 + eps)
 * Not OpenBLAS's, but the addon is the native code the engine already loads.
 */
static napi_value AdamStep(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  double v[13];
  size_t bytes;
  void *heap = heapCall(env, info, 14, 1, argv, v, &bytes, "dgr openblas: adamStep takes the heap, 7 offsets, n and 5 numbers");
  if (heap == NULL) return NULL;
  const int64_t n = (int64_t)v[7];
  for (int i = 0; i < 7; i++) {
    if (!inside((int64_t)v[i], n, bytes)) {
      napi_throw_range_error(env, NULL, "dgr openblas: adamStep's tensors must lie inside the heap");
      return NULL;
    }
  }
  adam(n, at(heap, v[0]), at(heap, v[1]), at(heap, v[2]), at(heap, v[3]), at(heap, v[4]), at(heap, v[5]),
       at(heap, v[6]), (float)v[8], (float)v[9], (float)v[10], (float)v[11], (float)v[12]);
  return NULL;
}

/* setThreads(n): OpenBLAS's thread count for every later call from any thread of this process. */
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t threads;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || napi_get_value_int32(env, argv[0], &threads) != napi_ok || threads < 1) {
    napi_throw_range_error(env, NULL, "dgr openblas: setThreads takes a positive integer");
    return NULL;
  }
  openblas_set_num_threads(threads);
  return NULL;
}

static napi_value Threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &out));
  return out;
}

/* The library's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64". */
static napi_value Config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &out));
  return out;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor methods[] = {
      {"matMul", NULL, MatMul, NULL, NULL, NULL, napi_default_method, NULL},
      {"conv", NULL, Conv, NULL, NULL, NULL, napi_default_method, NULL},
      {"adamStep", NULL, AdamStep, NULL, NULL, NULL, napi_default_method, NULL},
      {"sumRows", NULL, SumRows, NULL, NULL, NULL, napi_default_method, NULL},
      {"epilogue", NULL, Epilogue, NULL, NULL, NULL, napi_default_method, NULL},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default_method, NULL},
      {"threads", NULL, Threads, NULL, NULL, NULL, napi_default_method, NULL},
      {"config", NULL, Config, NULL, NULL, NULL, napi_default_method, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof(methods) / sizeof(methods[0]), methods));
  return exports;
}
