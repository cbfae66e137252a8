/*
 * winerror.h - Win32 error codes: what the video port's services return as VP_STATUS
 * (NO_ERROR, ERROR_INVALID_PARAMETER ...). dderror.h, the miniports' header, names the
 * same values and includes this file.
 */
#ifndef VPSPIN_WDK_WINERROR_H
#define VPSPIN_WDK_WINERROR_H

#define NO_ERROR                             0L
#define ERROR_SUCCESS                        0L
#define ERROR_INVALID_FUNCTION               1L
#define ERROR_FILE_NOT_FOUND                 2L
#define ERROR_PATH_NOT_FOUND                 3L
#define ERROR_TOO_MANY_OPEN_FILES            4L
#define ERROR_ACCESS_DENIED                  5L
#define ERROR_INVALID_HANDLE                 6L
#define ERROR_NOT_ENOUGH_MEMORY              8L
#define ERROR_INVALID_BLOCK                  9L
#define ERROR_BAD_FORMAT                     11L
#define ERROR_INVALID_ACCESS                 12L
#define ERROR_INVALID_DATA                   13L
#define ERROR_OUTOFMEMORY                    14L
#define ERROR_NOT_READY                      21L
#define ERROR_BAD_COMMAND                    22L
#define ERROR_CRC                            23L
#define ERROR_BAD_LENGTH                     24L
#define ERROR_WRITE_FAULT                    29L
#define ERROR_READ_FAULT                     30L
#define ERROR_GEN_FAILURE                    31L
#define ERROR_SHARING_VIOLATION              32L
#define ERROR_HANDLE_EOF                     38L
#define ERROR_NOT_SUPPORTED                  50L
#define ERROR_DEV_NOT_EXIST                  55L
#define ERROR_INVALID_PARAMETER              87L
#define ERROR_BUFFER_OVERFLOW                111L
#define ERROR_INSUFFICIENT_BUFFER            122L
#define ERROR_INVALID_NAME                   123L
#define ERROR_INVALID_LEVEL                  124L
#define ERROR_MOD_NOT_FOUND                  126L
#define ERROR_PROC_NOT_FOUND                 127L
#define ERROR_BUSY                           170L
#define ERROR_ALREADY_EXISTS                 183L
#define ERROR_ENVVAR_NOT_FOUND               203L
#define ERROR_MORE_DATA                      234L
#define WAIT_TIMEOUT                         258L
#define ERROR_NO_MORE_ITEMS                  259L
#define ERROR_INVALID_ADDRESS                487L
#define ERROR_ARITHMETIC_OVERFLOW            534L
#define ERROR_IO_PENDING                     997L
#define ERROR_NOACCESS                       998L
#define ERROR_INVALID_FLAGS                  1004L
#define ERROR_CANTOPEN                       1011L
#define ERROR_CANTREAD                       1012L
#define ERROR_CANTWRITE                      1013L
#define ERROR_REGISTRY_CORRUPT               1015L
#define ERROR_REGISTRY_IO_FAILED             1016L
#define ERROR_KEY_DELETED                    1018L
#define ERROR_SERVICE_DOES_NOT_EXIST         1060L
#define ERROR_IO_DEVICE                      1117L
#define ERROR_DEVICE_REINITIALIZATION_NEEDED 1164L
#define ERROR_DEVICE_NOT_CONNECTED           1167L
#define ERROR_NOT_FOUND                      1168L
#define ERROR_CONTINUE                       1246L
#define ERROR_NO_MORE_DEVICES                1248L
#define ERROR_TIMEOUT                        1460L
#define ERROR_INVALID_USER_BUFFER            1784L
#define ERROR_DEVICE_IN_USE                  2404L

/* COM's HRESULT codes (HRESULT is ntdef.h's LONG). */
#define _HRESULT_TYPEDEF_(sc) ((HRESULT)(sc))
#define SUCCEEDED(hr)         (((HRESULT)(hr)) >= 0)
#define FAILED(hr)            (((HRESULT)(hr)) < 0)
#define S_OK                  _HRESULT_TYPEDEF_(0x00000000L)
#define S_FALSE               _HRESULT_TYPEDEF_(0x00000001L)
#define E_UNEXPECTED          _HRESULT_TYPEDEF_(0x8000FFFFL)
#define E_NOTIMPL             _HRESULT_TYPEDEF_(0x80004001L)
#define E_NOINTERFACE         _HRESULT_TYPEDEF_(0x80004002L)
#define E_POINTER             _HRESULT_TYPEDEF_(0x80004003L)
#define E_ABORT               _HRESULT_TYPEDEF_(0x80004004L)
#define E_FAIL                _HRESULT_TYPEDEF_(0x80004005L)
#define E_ACCESSDENIED        _HRESULT_TYPEDEF_(0x80070005L)
#define E_HANDLE              _HRESULT_TYPEDEF_(0x80070006L)
#define E_OUTOFMEMORY         _HRESULT_TYPEDEF_(0x8007000EL)
#define E_INVALIDARG          _HRESULT_TYPEDEF_(0x80070057L)

#endif /* VPSPIN_WDK_WINERROR_H */
