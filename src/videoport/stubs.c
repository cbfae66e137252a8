/*
 * videoport/stubs.c - the services vpspin answers with a fixed reply, because what they
 * reach does not exist here (docs/compatibility.md): the port's query interfaces (AGP, I2C,
 * Int10 ... need hardware), bug check callbacks (no bug check 0xEA gathers data) and
 * debug reports (for crash dumps).
 */
#include <vpspin/video.h>

VP_STATUS VideoPortQueryServices(PVOID HwDeviceExtension, VIDEO_PORT_SERVICES ServicesType,
                                 PINTERFACE Interface)
{
    (void)HwDeviceExtension, (void)ServicesType, (void)Interface;
    return ERROR_INVALID_FUNCTION;
}

VP_STATUS VideoPortRegisterBugcheckCallback(PVOID HwDeviceExtension, ULONG BugcheckCode,
                                            PVIDEO_BUGCHECK_CALLBACK Callback,
                                            ULONG BugcheckDataSize)
{
    (void)HwDeviceExtension, (void)BugcheckCode, (void)Callback, (void)BugcheckDataSize;
    return NO_ERROR;
}

PVIDEO_DEBUG_REPORT VideoPortDbgReportCreate(PVOID HwDeviceExtension, ULONG ulCode,
                                             ULONG_PTR ulpArg1, ULONG_PTR ulpArg2,
                                             ULONG_PTR ulpArg3, ULONG_PTR ulpArg4)
{
    (void)HwDeviceExtension, (void)ulCode, (void)ulpArg1, (void)ulpArg2, (void)ulpArg3,
        (void)ulpArg4;
    return NULL;
}

BOOLEAN VideoPortDbgReportSecondaryData(PVIDEO_DEBUG_REPORT pReport, PVOID pvData, ULONG ulDataSize)
{
    (void)pReport, (void)pvData, (void)ulDataSize;
    return FALSE;
}

VOID VideoPortDbgReportComplete(PVIDEO_DEBUG_REPORT pReport) { (void)pReport; }
