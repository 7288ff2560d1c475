/*
 * The few functions and types of TensorFlow's C API (tensorflow/c/c_api.h, tf_status.h, tf_tensor.h,
 * tf_buffer.h) that load_savedmodel.c uses, declared here because the header is not published in any
 * package this build can fetch: TF Java's native jar ships the compiled library (libtensorflow_cc.so.2
 * exports the C API) but no headers. The signatures and enum values are TensorFlow's documented,
 * stable C ABI; only what the program calls is declared, and the structs it never looks into stay
 * opaque.
 */
#ifndef TRM_TF_C_API_H
#define TRM_TF_C_API_H

#include <stddef.h>
#include <stdint.h>

typedef struct TF_Status TF_Status;
typedef struct TF_SessionOptions TF_SessionOptions;
typedef struct TF_Graph TF_Graph;
typedef struct TF_Session TF_Session;
typedef struct TF_Operation TF_Operation;
typedef struct TF_Tensor TF_Tensor;

typedef struct TF_Buffer {
  const void* data;
  size_t length;
  void (*data_deallocator)(void* data, size_t length);
} TF_Buffer;

typedef struct TF_Output {
  TF_Operation* oper;
  int index;
} TF_Output;

/* The values of tensorflow.DataType (types.proto) that the serving signatures use. */
typedef enum TF_DataType { TF_FLOAT = 1, TF_INT32 = 3, TF_BOOL = 10 } TF_DataType;

typedef enum TF_Code { TF_OK = 0 } TF_Code;

const char* TF_Version(void);

TF_Status* TF_NewStatus(void);
void TF_DeleteStatus(TF_Status* status);
TF_Code TF_GetCode(const TF_Status* status);
const char* TF_Message(const TF_Status* status);

TF_Buffer* TF_NewBuffer(void);
void TF_DeleteBuffer(TF_Buffer* buffer);

TF_SessionOptions* TF_NewSessionOptions(void);
void TF_DeleteSessionOptions(TF_SessionOptions* options);

TF_Graph* TF_NewGraph(void);
void TF_DeleteGraph(TF_Graph* graph);
TF_Operation* TF_GraphOperationByName(TF_Graph* graph, const char* oper_name);

TF_Session* TF_LoadSessionFromSavedModel(const TF_SessionOptions* session_options, const TF_Buffer* run_options,
                                         const char* export_dir, const char* const* tags, int tags_len,
                                         TF_Graph* graph, TF_Buffer* meta_graph_def, TF_Status* status);
void TF_SessionRun(TF_Session* session, const TF_Buffer* run_options, const TF_Output* inputs,
                   TF_Tensor* const* input_values, int ninputs, const TF_Output* outputs,
                   TF_Tensor** output_values, int noutputs, const TF_Operation* const* target_opers, int ntargets,
                   TF_Buffer* run_metadata, TF_Status* status);
void TF_CloseSession(TF_Session* session, TF_Status* status);
void TF_DeleteSession(TF_Session* session, TF_Status* status);

TF_Tensor* TF_AllocateTensor(TF_DataType dtype, const int64_t* dims, int num_dims, size_t len);
void TF_DeleteTensor(TF_Tensor* tensor);
TF_DataType TF_TensorType(const TF_Tensor* tensor);
int TF_NumDims(const TF_Tensor* tensor);
int64_t TF_Dim(const TF_Tensor* tensor, int dim_index);
size_t TF_TensorByteSize(const TF_Tensor* tensor);
void* TF_TensorData(const TF_Tensor* tensor);

#endif
