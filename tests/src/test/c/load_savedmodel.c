/*
 * Loads a trm SavedModel through TensorFlow's C API, as any non-Java client (or TF Serving's C++ loader)
 * would, and solves puzzles with one of its signatures.
 *
 *   load_savedmodel EXPORT_DIR [SIGNATURE] < puzzles.txt
 *
 * stdin:  "N S", then N rows of "PUZZLE_ID TOKEN_1 ... TOKEN_S" (whitespace-separated integers).
 * stdout: one row per puzzle, "STEPS Q_HALT_LOGIT PREDICTION_1 ... PREDICTION_S" (Q_HALT with 9 significant
 *         digits, enough to give back the float exactly).
 * Errors: one line on stderr, exit status 1.
 *
 * The SavedModel is loaded with the "serve" tag; the signature (default "serving_default") is looked up
 * in the MetaGraphDef that the loader returns, and its tensors are found by their aliases ("inputs",
 * "puzzle_identifiers" in; "predictions", "q_halt_logits", "steps" out), never by graph node names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tf_c_api.h"

static void fail(const char* format, ...) {
  va_list args;
  va_start(args, format);
  fputs("load_savedmodel: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

/* Fails with a TensorFlow status message up to its first line break (TF puts the failing node on a second line). */
static void fail_status(const char* context, const char* subject, TF_Status* status) {
  const char* message = TF_Message(status);
  fail("%s %s: %.*s", context, subject, (int)strcspn(message, "\n"), message);
}

/* ---- Just enough of the protobuf wire format to read the signatures out of a MetaGraphDef. ---- */

typedef struct Span {
  const unsigned char* p;
  const unsigned char* end;
} Span;

static uint64_t read_varint(Span* s) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (s->p >= s->end) fail("truncated MetaGraphDef");
    unsigned char byte = *s->p++;
    value |= (uint64_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
  fail("malformed varint in MetaGraphDef");
  return 0;
}

/*
 * Reads the next field of a message: its number, and either its varint value or (for length-delimited
 * fields) its bytes. Fixed-width fields are skipped over. Returns 0 at the end of the message.
 */
static int next_field(Span* s, uint32_t* number, uint64_t* varint, Span* bytes) {
  if (s->p >= s->end) return 0;
  uint64_t key = read_varint(s);
  *number = (uint32_t)(key >> 3);
  bytes->p = bytes->end = NULL;
  *varint = 0;
  switch (key & 7) {
    case 0: *varint = read_varint(s); break;
    case 1: if (s->end - s->p < 8) fail("truncated MetaGraphDef"); s->p += 8; break;
    case 5: if (s->end - s->p < 4) fail("truncated MetaGraphDef"); s->p += 4; break;
    case 2: {
      uint64_t length = read_varint(s);
      if ((uint64_t)(s->end - s->p) < length) fail("truncated MetaGraphDef");
      bytes->p = s->p;
      bytes->end = s->p + length;
      s->p += length;
      break;
    }
    default: fail("unsupported wire type %d in MetaGraphDef", (int)(key & 7));
  }
  return 1;
}

static int span_equals(Span s, const char* text) {
  size_t n = strlen(text);
  return (size_t)(s.end - s.p) == n && memcmp(s.p, text, n) == 0;
}

/*
 * Finds the entry `key` of the proto map field `field` of `message` (a map entry is a message with the key
 * as field 1 and the value as field 2). Returns 0 if there is none.
 */
static int map_lookup(Span message, uint32_t field, const char* key, Span* value) {
  uint32_t number;
  uint64_t varint;
  Span entry;
  while (next_field(&message, &number, &varint, &entry)) {
    if (number != field || entry.p == NULL) continue;
    Span k = {NULL, NULL};
    Span v = {NULL, NULL};
    uint32_t n;
    uint64_t ignored;
    Span b;
    while (next_field(&entry, &n, &ignored, &b)) {
      if (n == 1) k = b;
      if (n == 2) v = b;
    }
    if (k.p != NULL && span_equals(k, key)) {
      *value = v.p != NULL ? v : (Span){k.end, k.end}; /* an absent value is the empty message */
      return 1;
    }
  }
  return 0;
}

/* The value of varint field `field` of `message` (the last one, as protobuf reads it), 0 if absent. */
static uint64_t varint_field(Span message, uint32_t field) {
  uint64_t value = 0;
  uint32_t number;
  uint64_t varint;
  Span bytes;
  while (next_field(&message, &number, &varint, &bytes)) {
    if (number == field && bytes.p == NULL) value = varint;
  }
  return value;
}

/* How many times field `field` occurs in `message` (for a map field: its number of entries). */
static int field_count(Span message, uint32_t field) {
  int count = 0;
  uint32_t number;
  uint64_t varint;
  Span bytes;
  while (next_field(&message, &number, &varint, &bytes)) count += number == field;
  return count;
}

/* Copies string field `field` of `message` into `out` (empty if absent); fails if it does not fit. */
static void string_field(Span message, uint32_t field, char* out, size_t size) {
  out[0] = '\0';
  uint32_t number;
  uint64_t varint;
  Span bytes;
  while (next_field(&message, &number, &varint, &bytes)) {
    if (number != field || bytes.p == NULL) continue;
    size_t n = (size_t)(bytes.end - bytes.p);
    if (n >= size) fail("a string of %zu bytes in the MetaGraphDef is longer than expected", n);
    memcpy(out, bytes.p, n);
    out[n] = '\0';
  }
}

enum {
  META_GRAPH_DEF_SIGNATURE_DEF = 5, /* MetaGraphDef.signature_def: map<string, SignatureDef> */
  SIGNATURE_DEF_INPUTS = 1,         /* SignatureDef.inputs: map<string, TensorInfo> */
  SIGNATURE_DEF_OUTPUTS = 2,        /* SignatureDef.outputs */
  SIGNATURE_DEF_METHOD_NAME = 3,    /* SignatureDef.method_name */
  TENSOR_INFO_NAME = 1,             /* TensorInfo.name: "node:index" */
  TENSOR_INFO_DTYPE = 2             /* TensorInfo.dtype */
};

/* The graph tensor that `alias` of a signature's inputs or outputs names, checked to have `dtype`. */
static TF_Output signature_tensor(TF_Graph* graph, Span signature, const char* signature_name, uint32_t side,
                                  const char* alias, TF_DataType dtype) {
  const char* what = side == SIGNATURE_DEF_INPUTS ? "input" : "output";
  Span info;
  if (!map_lookup(signature, side, alias, &info)) {
    fail("signature '%s' has no %s '%s'", signature_name, what, alias);
  }
  char name[512];
  string_field(info, TENSOR_INFO_NAME, name, sizeof name);
  uint64_t info_dtype = varint_field(info, TENSOR_INFO_DTYPE);
  if (info_dtype != (uint64_t)dtype) {
    fail("%s '%s' of signature '%s' has dtype %d, expected %d", what, alias, signature_name, (int)info_dtype,
         (int)dtype);
  }
  TF_Output output = {NULL, 0};
  char* colon = strrchr(name, ':');
  if (colon != NULL) {
    *colon = '\0';
    output.index = atoi(colon + 1);
  }
  output.oper = TF_GraphOperationByName(graph, name);
  if (output.oper == NULL) fail("%s '%s' names '%s', which is not in the graph", what, alias, name);
  return output;
}

/* ---- The puzzles. ---- */

typedef struct Puzzles {
  int64_t count;
  int64_t length;
  int32_t* tokens;      /* [count, length] */
  int32_t* identifiers; /* [count] */
} Puzzles;

static Puzzles read_puzzles(FILE* in) {
  Puzzles puzzles;
  long long count, length;
  if (fscanf(in, "%lld %lld", &count, &length) != 2 || count <= 0 || length <= 0 || count * length > (1LL << 28)) {
    fail("stdin: the first line must be 'N S' (puzzles, tokens per puzzle), both positive");
  }
  puzzles.count = count;
  puzzles.length = length;
  puzzles.tokens = malloc(sizeof(int32_t) * (size_t)(count * length));
  puzzles.identifiers = malloc(sizeof(int32_t) * (size_t)count);
  if (puzzles.tokens == NULL || puzzles.identifiers == NULL) fail("out of memory for %lld puzzles", count);
  for (long long i = 0; i < count; i++) {
    if (fscanf(in, "%d", &puzzles.identifiers[i]) != 1) fail("stdin: puzzle %lld is missing", i + 1);
    for (long long j = 0; j < length; j++) {
      if (fscanf(in, "%d", &puzzles.tokens[i * length + j]) != 1) {
        fail("stdin: puzzle %lld has fewer than %lld tokens", i + 1, length);
      }
    }
  }
  return puzzles;
}

static TF_Tensor* int32_tensor(const int32_t* values, const int64_t* dims, int num_dims) {
  int64_t elements = 1;
  for (int i = 0; i < num_dims; i++) elements *= dims[i];
  size_t bytes = sizeof(int32_t) * (size_t)elements;
  TF_Tensor* tensor = TF_AllocateTensor(TF_INT32, dims, num_dims, bytes);
  memcpy(TF_TensorData(tensor), values, bytes);
  return tensor;
}

/* An output tensor's data, after checking it has `count` rows of `row` elements of `dtype`. */
static const void* output_data(TF_Tensor* tensor, const char* alias, TF_DataType dtype, int64_t count, int64_t row) {
  int64_t elements = 1;
  for (int i = 0; i < TF_NumDims(tensor); i++) elements *= TF_Dim(tensor, i);
  size_t size = dtype == TF_FLOAT ? sizeof(float) : sizeof(int32_t);
  if (TF_TensorType(tensor) != dtype || TF_Dim(tensor, 0) != count || elements != count * row ||
      TF_TensorByteSize(tensor) != size * (size_t)elements) {
    fail("output '%s' does not hold %lld x %lld values of dtype %d", alias, (long long)count, (long long)row,
         (int)dtype);
  }
  return TF_TensorData(tensor);
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: load_savedmodel EXPORT_DIR [SIGNATURE] < puzzles.txt\n");
    return 2;
  }
  const char* export_dir = argv[1];
  const char* signature_name = argc == 3 ? argv[2] : "serving_default";
  Puzzles puzzles = read_puzzles(stdin);

  TF_Status* status = TF_NewStatus();
  TF_SessionOptions* options = TF_NewSessionOptions();
  TF_Graph* graph = TF_NewGraph();
  TF_Buffer* meta_graph_def = TF_NewBuffer();
  const char* tags[] = {"serve"};
  TF_Session* session =
      TF_LoadSessionFromSavedModel(options, NULL, export_dir, tags, 1, graph, meta_graph_def, status);
  if (TF_GetCode(status) != TF_OK) fail_status("cannot load", export_dir, status);

  Span meta = {meta_graph_def->data, (const unsigned char*)meta_graph_def->data + meta_graph_def->length};
  Span signature;
  if (!map_lookup(meta, META_GRAPH_DEF_SIGNATURE_DEF, signature_name, &signature)) {
    fail("%s has no signature '%s'", export_dir, signature_name);
  }
  char method[128];
  string_field(signature, SIGNATURE_DEF_METHOD_NAME, method, sizeof method);
  fprintf(stderr, "TensorFlow %s (C API): loaded %s, tag serve, signature %s (%s)\n", TF_Version(), export_dir,
          signature_name, method);

  int input_count = field_count(signature, SIGNATURE_DEF_INPUTS);
  if (input_count != 2) {
    fail("signature '%s' takes %d inputs; this program feeds 'inputs' and 'puzzle_identifiers' only (as "
         "serving_default and fixed_steps take)", signature_name, input_count);
  }
  TF_Output inputs[2] = {
      signature_tensor(graph, signature, signature_name, SIGNATURE_DEF_INPUTS, "inputs", TF_INT32),
      signature_tensor(graph, signature, signature_name, SIGNATURE_DEF_INPUTS, "puzzle_identifiers", TF_INT32)};
  TF_Output outputs[3] = {
      signature_tensor(graph, signature, signature_name, SIGNATURE_DEF_OUTPUTS, "predictions", TF_INT32),
      signature_tensor(graph, signature, signature_name, SIGNATURE_DEF_OUTPUTS, "q_halt_logits", TF_FLOAT),
      signature_tensor(graph, signature, signature_name, SIGNATURE_DEF_OUTPUTS, "steps", TF_INT32)};

  int64_t token_dims[2] = {puzzles.count, puzzles.length};
  TF_Tensor* input_values[2] = {int32_tensor(puzzles.tokens, token_dims, 2),
                                int32_tensor(puzzles.identifiers, &puzzles.count, 1)};
  TF_Tensor* output_values[3] = {NULL, NULL, NULL};
  TF_SessionRun(session, NULL, inputs, input_values, 2, outputs, output_values, 3, NULL, 0, NULL, status);
  if (TF_GetCode(status) != TF_OK) fail_status("running signature", signature_name, status);

  const int32_t* predictions = output_data(output_values[0], "predictions", TF_INT32, puzzles.count, puzzles.length);
  const float* q_halt = output_data(output_values[1], "q_halt_logits", TF_FLOAT, puzzles.count, 1);
  const int32_t* steps = output_data(output_values[2], "steps", TF_INT32, puzzles.count, 1);
  for (int64_t i = 0; i < puzzles.count; i++) {
    printf("%d %.9g", steps[i], q_halt[i]);
    for (int64_t j = 0; j < puzzles.length; j++) printf(" %d", predictions[i * puzzles.length + j]);
    putchar('\n');
  }

  for (int i = 0; i < 3; i++) TF_DeleteTensor(output_values[i]);
  for (int i = 0; i < 2; i++) TF_DeleteTensor(input_values[i]);
  TF_CloseSession(session, status);
  TF_DeleteSession(session, status);
  TF_DeleteBuffer(meta_graph_def);
  TF_DeleteGraph(graph);
  TF_DeleteSessionOptions(options);
  TF_DeleteStatus(status);
  free(puzzles.tokens);
  free(puzzles.identifiers);
  return fflush(stdout) == 0 ? 0 : 1;
}
