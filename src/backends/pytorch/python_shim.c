/*
 * python_shim.c: CPython embedded in the PyTorch backend (see python_shim.h).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python_shim.h"

#include <ATen/dlpack.h>
#include <dlfcn.h>
#include <libgen.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_util.h"
#include "torch_shim.h"

#ifndef TORCHD_PYTHON_EXECUTABLE
#define TORCHD_PYTHON_EXECUTABLE "python3"
#endif

struct py_model {
  PyObject *object;
};
struct py_instance {
  PyObject *object;
};
struct py_outputs {
  PyObject *list;      /* capsules (tensors) and lists of bytes, by output */
  const char ***strings; /* per output: pointers into the bytes objects (or NULL) */
  size_t **lengths;
  int64_t *string_counts; /* per output: the shape [count] of a string output */
};

static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static char *start_error;   /* set once when the interpreter could not start */
static PyObject *glue;      /* the torchd_pytorch_runtime module */

static char *dup_message(const char *text) { return strdup(text != NULL ? text : "unknown"); }

/* The current Python exception as "<Type>: <message>" (clears it). Needs the GIL. */
static char *fetch_error(const char *what) {
  PyObject *type = NULL, *value = NULL, *traceback = NULL;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
  const char *type_name = type != NULL ? ((PyTypeObject *)type)->tp_name : "error";
  char *message = NULL;
  if (asprintf(&message, "%s: %s: %s", what, type_name,
               text != NULL ? PyUnicode_AsUTF8(text) : "?") < 0)
    message = NULL;
  Py_XDECREF(text);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  PyErr_Clear();
  return message != NULL ? message : dup_message(what);
}

/* log(level, text) for the Python side: 0 INFO, 1 WARN, 2 ERROR, 3 VERBOSE. */
static PyObject *py_log(PyObject *self, PyObject *args) {
  (void)self;
  int level = 0;
  const char *text = NULL;
  if (!PyArg_ParseTuple(args, "is", &level, &text)) return NULL;
  switch (level) {
    case 1: PT_LOG_WARN("%s", text); break;
    case 2: PT_LOG_ERROR("%s", text); break;
    case 3: PT_LOG_VERBOSE("%s", text); break;
    default: PT_LOG_INFO("%s", text); break;
  }
  Py_RETURN_NONE;
}
static PyMethodDef log_method = {"log", py_log, METH_VARARGS, "torchd backend log"};
static PyObject *log_function;

/* The folder of this library: the glue module is installed beside it. */
static char *library_folder(void) {
  Dl_info info;
  if (dladdr((void *)library_folder, &info) == 0 || info.dli_fname == NULL) return NULL;
  char *copy = strdup(info.dli_fname);
  if (copy == NULL) return NULL;
  char *folder = strdup(dirname(copy));
  free(copy);
  return folder;
}

static void start_python(void *unused);

static void start(void) { ts_run_exclusively(start_python, NULL); }

static void start_python(void *unused) {
  (void)unused;
  /* torch's extension modules link libpython's symbols from the global scope; the core
   * dlopens this backend RTLD_LOCAL, so promote the libpython we were loaded with. */
  char soname[64];
  snprintf(soname, sizeof(soname), "libpython%d.%d.so.1.0", PY_MAJOR_VERSION, PY_MINOR_VERSION);
  if (dlopen(soname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) == NULL)
    PT_LOG_WARN("could not make %s global: %s", soname, dlerror());
  bool started_here = !Py_IsInitialized();
  if (started_here) {
    const char *executable = getenv("TORCHD_PYTHON");
    if (executable == NULL || executable[0] == '\0') executable = TORCHD_PYTHON_EXECUTABLE;
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.install_signal_handlers = 0;
    config.parse_argv = 0;
    PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, executable);
    if (!PyStatus_Exception(status))
      status = PyConfig_SetBytesString(&config, &config.executable, executable);
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
      if (asprintf(&start_error, "cannot start Python (%s): %s", executable,
                   status.err_msg != NULL ? status.err_msg : "unknown error") < 0)
        start_error = dup_message("cannot start Python");
      return;
    }
  }
  PyGILState_STATE gil = PyGILState_Ensure();
  char *folder = library_folder();
  PyObject *path = PySys_GetObject("path"); /* borrowed */
  PyObject *folder_text = folder != NULL ? PyUnicode_FromString(folder) : NULL;
  if (path != NULL && folder_text != NULL) PyList_Insert(path, 0, folder_text);
  Py_XDECREF(folder_text);
  free(folder);
  glue = PyImport_ImportModule("torchd_pytorch_runtime");
  if (glue == NULL) start_error = fetch_error("cannot import torchd_pytorch_runtime (torch)");
  log_function = PyCFunction_New(&log_method, NULL);
  PyGILState_Release(gil);
  if (started_here) PyEval_SaveThread(); /* the GIL is taken only by our calls */
}

static char *ensure_started(void) {
  pthread_once(&start_once, start);
  return start_error != NULL ? dup_message(start_error) : NULL;
}

/* Calls glue.<function>(*args) (args stolen); the glue returns (ok, value). On success
 * *value_out is a new reference. Needs the GIL. */
static char *call_glue(const char *function, PyObject *args, PyObject **value_out) {
  *value_out = NULL;
  if (args == NULL) return fetch_error("cannot build the arguments");
  PyObject *callable = PyObject_GetAttrString(glue, function);
  PyObject *answer = callable != NULL ? PyObject_CallObject(callable, args) : NULL;
  Py_XDECREF(callable);
  Py_DECREF(args);
  if (answer == NULL) return fetch_error(function);
  char *error = NULL;
  if (!PyTuple_Check(answer) || PyTuple_Size(answer) != 2) {
    error = dup_message("the runtime module answered something other than (ok, value)");
  } else {
    PyObject *value = PyTuple_GetItem(answer, 1);
    if (PyObject_IsTrue(PyTuple_GetItem(answer, 0))) {
      Py_INCREF(value);
      *value_out = value;
    } else {
      const char *text = PyUnicode_Check(value) ? PyUnicode_AsUTF8(value) : NULL;
      error = dup_message(text != NULL ? text : "unknown Python error");
    }
  }
  Py_DECREF(answer);
  return error;
}

char *py_model_create(const char *name, const char *version_dir, const char *config_json,
                      py_model **model_out) {
  *model_out = NULL;
  char *error = ensure_started();
  if (error != NULL) return error;
  PyGILState_STATE gil = PyGILState_Ensure();
  PyObject *object = NULL;
  error = call_glue("create_model",
                    Py_BuildValue("(sssO)", name, version_dir, config_json, log_function),
                    &object);
  PyGILState_Release(gil);
  if (error != NULL) return error;
  *model_out = calloc(1, sizeof(py_model));
  if (*model_out == NULL) return dup_message("out of memory");
  (*model_out)->object = object;
  return NULL;
}

static void release_object(PyObject *object) {
  if (object == NULL) return;
  PyGILState_STATE gil = PyGILState_Ensure();
  Py_DECREF(object);
  PyGILState_Release(gil);
}

void py_model_free(py_model *model) {
  if (model == NULL) return;
  release_object(model->object);
  free(model);
}

char *py_instance_create(py_model *model, const char *kind, int device_id,
                         py_instance **instance_out) {
  *instance_out = NULL;
  PyGILState_STATE gil = PyGILState_Ensure();
  PyObject *object = NULL;
  char *error =
      call_glue("create_instance", Py_BuildValue("(Osi)", model->object, kind, device_id),
                &object);
  PyGILState_Release(gil);
  if (error != NULL) return error;
  *instance_out = calloc(1, sizeof(py_instance));
  if (*instance_out == NULL) return dup_message("out of memory");
  (*instance_out)->object = object;
  return NULL;
}

void py_instance_free(py_instance *instance) {
  if (instance == NULL) return;
  release_object(instance->object);
  free(instance);
}

/* ---- DLPack ---- */

static bool dl_type_of(int dtype, DLDataType *type) {
  static const struct { int dtype; uint8_t code, bits; } table[] = {
      {TS_DTYPE_BOOL, kDLBool, 8},    {TS_DTYPE_UINT8, kDLUInt, 8},
      {TS_DTYPE_UINT16, kDLUInt, 16}, {TS_DTYPE_UINT32, kDLUInt, 32},
      {TS_DTYPE_UINT64, kDLUInt, 64}, {TS_DTYPE_INT8, kDLInt, 8},
      {TS_DTYPE_INT16, kDLInt, 16},   {TS_DTYPE_INT32, kDLInt, 32},
      {TS_DTYPE_INT64, kDLInt, 64},   {TS_DTYPE_FP16, kDLFloat, 16},
      {TS_DTYPE_FP32, kDLFloat, 32},  {TS_DTYPE_FP64, kDLFloat, 64},
      {TS_DTYPE_BF16, kDLBfloat, 16}};
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); ++i)
    if (table[i].dtype == dtype) {
      type->code = table[i].code;
      type->bits = table[i].bits;
      type->lanes = 1;
      return true;
    }
  return false;
}

static int dtype_of_dl(DLDataType type) {
  static const int ints[] = {TS_DTYPE_INT8, TS_DTYPE_INT16, TS_DTYPE_INT32, TS_DTYPE_INT64};
  static const int uints[] = {TS_DTYPE_UINT8, TS_DTYPE_UINT16, TS_DTYPE_UINT32,
                              TS_DTYPE_UINT64};
  int slot = type.bits == 8 ? 0 : type.bits == 16 ? 1 : type.bits == 32 ? 2 : type.bits == 64 ? 3 : -1;
  if (type.lanes != 1 || slot < 0) return TS_DTYPE_INVALID;
  switch (type.code) {
    case kDLInt: return ints[slot];
    case kDLUInt: return uints[slot];
    case kDLFloat: return slot == 1 ? TS_DTYPE_FP16 : slot == 2 ? TS_DTYPE_FP32
                         : slot == 3 ? TS_DTYPE_FP64 : TS_DTYPE_INVALID;
    case kDLBfloat: return slot == 1 ? TS_DTYPE_BF16 : TS_DTYPE_INVALID;
    case kDLBool: return slot == 0 ? TS_DTYPE_BOOL : TS_DTYPE_INVALID;
    default: return TS_DTYPE_INVALID;
  }
}

/* An input DLManagedTensor with its own copy of the shape; freed by its deleter. */
typedef struct {
  DLManagedTensor managed;
  int64_t shape[];
} input_tensor;

static void input_deleter(DLManagedTensor *managed) { free(managed); }

static void capsule_destructor(PyObject *capsule) {
  /* Not consumed by torch.from_dlpack: we still own it. */
  if (PyCapsule_IsValid(capsule, "dltensor")) {
    DLManagedTensor *managed = PyCapsule_GetPointer(capsule, "dltensor");
    if (managed != NULL && managed->deleter != NULL) managed->deleter(managed);
  }
}

static char empty_data[16]; /* data of zero-element inputs */

static PyObject *make_argument(const ts_value *value) {
  if (value->kind == TS_VALUE_STRINGS) {
    PyObject *list = PyList_New((Py_ssize_t)value->string_count);
    for (size_t i = 0; list != NULL && i < value->string_count; ++i)
      PyList_SET_ITEM(list, (Py_ssize_t)i,
                      PyBytes_FromStringAndSize(value->strings[i],
                                                (Py_ssize_t)value->string_lengths[i]));
    return list;
  }
  if (value->kind != TS_VALUE_TENSOR) Py_RETURN_NONE;
  input_tensor *tensor = calloc(1, sizeof(input_tensor) + (value->dims_count + 1) * sizeof(int64_t));
  if (tensor == NULL) return PyErr_NoMemory();
  DLTensor *dl = &tensor->managed.dl_tensor;
  if (!dl_type_of(value->dtype, &dl->dtype)) {
    free(tensor);
    PyErr_Format(PyExc_TypeError, "data type %d has no torch equivalent", value->dtype);
    return NULL;
  }
  memcpy(tensor->shape, value->shape, value->dims_count * sizeof(int64_t));
  dl->data = value->data != NULL ? value->data : empty_data;
  dl->device.device_type = kDLCPU;
  dl->device.device_id = 0;
  dl->ndim = (int32_t)value->dims_count;
  dl->shape = tensor->shape;
  dl->strides = NULL; /* compact row-major */
  dl->byte_offset = 0;
  tensor->managed.deleter = input_deleter;
  PyObject *capsule = PyCapsule_New(&tensor->managed, "dltensor", capsule_destructor);
  if (capsule == NULL) free(tensor);
  return capsule;
}

char *py_instance_run(py_instance *instance, const ts_value *args, size_t arg_count,
                      py_outputs **outputs_out) {
  *outputs_out = NULL;
  PyGILState_STATE gil = PyGILState_Ensure();
  PyObject *inputs = PyList_New((Py_ssize_t)arg_count);
  char *error = NULL;
  for (size_t i = 0; inputs != NULL && error == NULL && i < arg_count; ++i) {
    PyObject *argument = make_argument(&args[i]);
    if (argument == NULL)
      error = fetch_error("cannot pass an input to Python");
    else
      PyList_SET_ITEM(inputs, (Py_ssize_t)i, argument);
  }
  if (inputs == NULL) error = fetch_error("cannot pass the inputs to Python");
  PyObject *list = NULL;
  if (error == NULL) {
    Py_INCREF(inputs);
    error = call_glue("run", Py_BuildValue("(ON)", instance->object, inputs), &list);
  }
  Py_XDECREF(inputs);
  if (error == NULL && !PyList_Check(list))
    error = dup_message("the runtime module returned something other than a list");
  py_outputs *outputs = NULL;
  if (error == NULL) {
    size_t count = (size_t)PyList_Size(list);
    outputs = calloc(1, sizeof(*outputs));
    if (outputs != NULL) {
      outputs->strings = calloc(count + 1, sizeof(char **));
      outputs->lengths = calloc(count + 1, sizeof(size_t *));
      outputs->string_counts = calloc(count + 1, sizeof(int64_t));
    }
    if (outputs == NULL || outputs->strings == NULL || outputs->lengths == NULL ||
        outputs->string_counts == NULL) {
      error = dup_message("out of memory");
    } else {
      outputs->list = list;
      list = NULL;
    }
  }
  Py_XDECREF(list);
  PyGILState_Release(gil);
  if (error != NULL) {
    if (outputs != NULL) {
      free(outputs->strings);
      free(outputs->lengths);
      free(outputs->string_counts);
      free(outputs);
    }
    return error;
  }
  *outputs_out = outputs;
  return NULL;
}

size_t py_outputs_count(const py_outputs *outputs) {
  return (size_t)PyList_GET_SIZE(outputs->list); /* list size is fixed: no GIL needed */
}

char *py_outputs_get(py_outputs *outputs, size_t index, ts_output *out) {
  memset(out, 0, sizeof(*out));
  PyGILState_STATE gil = PyGILState_Ensure();
  PyObject *item = PyList_GetItem(outputs->list, (Py_ssize_t)index);
  char *error = NULL;
  if (item != NULL && PyCapsule_IsValid(item, "dltensor")) {
    DLManagedTensor *managed = PyCapsule_GetPointer(item, "dltensor");
    DLTensor *dl = &managed->dl_tensor;
    out->kind = TS_VALUE_TENSOR;
    out->dtype = dtype_of_dl(dl->dtype);
    out->shape = dl->shape;
    out->dims_count = (size_t)dl->ndim;
    size_t elements = 1;
    for (int32_t d = 0; d < dl->ndim; ++d) elements *= (size_t)dl->shape[d];
    out->byte_size = elements * ((size_t)dl->dtype.bits / 8);
    out->data = (const char *)dl->data + dl->byte_offset;
    if (dl->device.device_type != kDLCPU) error = dup_message("an output is not on the CPU");
  } else if (item != NULL && PyList_Check(item)) {
    size_t count = (size_t)PyList_Size(item);
    if (outputs->strings[index] == NULL) {
      outputs->strings[index] = calloc(count + 1, sizeof(char *));
      outputs->lengths[index] = calloc(count + 1, sizeof(size_t));
      for (size_t i = 0; outputs->strings[index] != NULL && outputs->lengths[index] != NULL &&
                         i < count; ++i) {
        char *bytes = NULL;
        Py_ssize_t length = 0;
        if (PyBytes_AsStringAndSize(PyList_GetItem(item, (Py_ssize_t)i), &bytes, &length) == 0) {
          outputs->strings[index][i] = bytes;
          outputs->lengths[index][i] = (size_t)length;
        } else {
          PyErr_Clear();
        }
      }
    }
    out->kind = TS_VALUE_STRINGS;
    out->dtype = TS_DTYPE_BYTES;
    out->strings = outputs->strings[index];
    out->string_lengths = outputs->lengths[index];
    out->string_count = count;
    outputs->string_counts[index] = (int64_t)count;
    out->shape = &outputs->string_counts[index];
    out->dims_count = 1;
  } else {
    error = dup_message("an output is neither a tensor nor a list of strings");
  }
  PyGILState_Release(gil);
  return error;
}

void py_outputs_free(py_outputs *outputs) {
  if (outputs == NULL) return;
  size_t count = outputs->list != NULL ? py_outputs_count(outputs) : 0;
  for (size_t i = 0; i < count; ++i) {
    free(outputs->strings[i]);
    free(outputs->lengths[i]);
  }
  free(outputs->strings);
  free(outputs->lengths);
  free(outputs->string_counts);
  release_object(outputs->list);
  free(outputs);
}
