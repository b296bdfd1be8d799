/* models.h — config.pbtxt texts of the identity-backend models the core integration
 * tests generate. Kept in one place so every test speaks about the same models. */
#ifndef TORCHD_TEST_MODELS_H
#define TORCHD_TEST_MODELS_H

/* FP32 [4] in, [4] out, batching up to 8, default scheduler. */
#define MODEL_IDENTITY_FP32                                                                        \
  "backend: \"identity\"\n"                                                                        \
  "max_batch_size: 8\n"                                                                            \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"

/* add_sub on INT32 [4] with two inputs and two outputs, no batching. */
#define MODEL_ADD_SUB_INT32                                                                        \
  "backend: \"identity\"\n"                                                                        \
  "max_batch_size: 0\n"                                                                            \
  "input [ { name: \"INPUT0\" data_type: TYPE_INT32 dims: [ 4 ] },\n"                              \
  "        { name: \"INPUT1\" data_type: TYPE_INT32 dims: [ 4 ] } ]\n"                             \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_INT32 dims: [ 4 ] },\n"                            \
  "         { name: \"OUTPUT1\" data_type: TYPE_INT32 dims: [ 4 ] } ]\n"                           \
  "parameters { key: \"mode\" value { string_value: \"add_sub\" } }\n"

/* BYTES [-1] identity, batching up to 4. */
#define MODEL_IDENTITY_BYTES                                                                       \
  "backend: \"identity\"\n"                                                                        \
  "max_batch_size: 4\n"                                                                            \
  "input [ { name: \"INPUT0\" data_type: TYPE_STRING dims: [ -1 ] } ]\n"                           \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_STRING dims: [ -1 ] } ]\n"

/* A model whose backend fails ModelInitialize. */
#define MODEL_FAILS_TO_LOAD                                                                        \
  "backend: \"identity\"\n"                                                                        \
  "max_batch_size: 0\n"                                                                            \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 1 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 1 ] } ]\n"                            \
  "parameters { key: \"fail_load\" value { string_value: \"true\" } }\n"

#endif
