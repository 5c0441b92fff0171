/*
 * dgr's native matrix product: C = act(op(A)·op(B) + bias) with OpenBLAS's cblas_sgemm, computed in place on
 * the memory of a tfjs-backend-wasm instance (its heap, a plain ArrayBuffer) at the tensors' byte offsets.
 * Nothing is copied in or out: the wasm kernels and this one read and write the same float32 arrays.
 *
 * Why: wasm SIMD on one core reaches about 9-14 G multiply-adds/s on the products that dominate a training
 * step; OpenBLAS reaches about 45 per core on the same shapes (issue 16's measurements).
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
  for (int64_t i = 0; i < rows; i++) {
    float *row = c + i * n;
    for (int64_t j = 0; j < n; j++) {
      float v = row[j];
      if (bias != NULL) v += bias[j * biasStride];
      switch (activation) {
        case RELU: v = v < 0.0f ? 0.0f : v; break;
        case RELU6: v = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v); break;
        case ELU: v = v >= 0.0f ? v : expm1f(v); break;
        case LEAKYRELU: v = v < 0.0f ? alpha * v : v; break;
        case PRELU: v = v < 0.0f ? prelu[j * preluStride] * v : v; break;
        case SIGMOID: v = 1.0f / (1.0f + expf(-v)); break;
        default: break;
      }
      row[j] = v;
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
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default_method, NULL},
      {"threads", NULL, Threads, NULL, NULL, NULL, napi_default_method, NULL},
      {"config", NULL, Config, NULL, NULL, NULL, napi_default_method, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof(methods) / sizeof(methods[0]), methods));
  return exports;
}
