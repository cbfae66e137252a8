/*
 * vpdemo_hw.h - the sample adapter's hardware interface, as its data sheet would give it:
 * its PCI identity, its four ranges, its registers and their bits, the command ring's
 * layout and the mode ports. The miniport (vpdemo.c) drives this hardware; the device
 * model (vpdemo_model.c) is it.
 *
 *   BAR0  memory, 4 KiB   registers (below), 32-bit
 *   BAR1  memory, 4 KiB   the command ring: VPDEMO_RING_ENTRIES entries of 8 bytes
 *   BAR2  memory, 4 MiB   the frame buffer (32 bits a pixel)
 *   BAR3  ports, 16       the mode registers, through an index port and a data port
 *
 * The driver writes a command into the ring slot (Tail % entries), then the new Tail into
 * DOORBELL. The adapter executes commands in order, in batches of at most
 * VPDEMO_ENGINE_BATCH, at most so many batches a second; after each batch FENCE says how
 * many it has executed in all, STATUS.DONE is set, and if INTMASK.DONE is set the adapter
 * interrupts. The driver acknowledges by writing DONE to STATUS (write 1 to clear).
 * EXECSUM is the sum of the keys (Client << 32 | Sequence) of the commands executed:
 * reading its low half latches the high half.
 */
#ifndef VPDEMO_HW_H
#define VPDEMO_HW_H

#define VPDEMO_VENDOR_ID        0x5650 /* "VP" (not a registered vendor) */
#define VPDEMO_DEVICE_ID        0x0001
#define VPDEMO_REVISION         1
#define VPDEMO_INTERRUPT_LEVEL  7
#define VPDEMO_INTERRUPT_VECTOR 0x37

#define VPDEMO_RANGE_REGS  0 /* the ranges, as VideoPortGetAccessRanges lists them */
#define VPDEMO_RANGE_RING  1
#define VPDEMO_RANGE_FRAME 2
#define VPDEMO_RANGE_MODE  3
#define VPDEMO_RANGES      4

#define VPDEMO_REGS_BYTES  0x1000
#define VPDEMO_RING_BYTES  0x1000
#define VPDEMO_FRAME_BYTES 0x400000
#define VPDEMO_MODE_PORTS  0x10

/* Registers (byte offsets in BAR0). */
#define VPDEMO_REG_ID         0x00       /* RO: VPDEMO_ID */
#define VPDEMO_REG_STATUS     0x04       /* RO, write 1 to clear */
#define VPDEMO_REG_INTMASK    0x08       /* RW: which STATUS bits interrupt */
#define VPDEMO_REG_DOORBELL   0x0C       /* WO: the ring's producer index (free-running) */
#define VPDEMO_REG_FENCE      0x10       /* RO: commands executed (free-running) */
#define VPDEMO_REG_EXECSUM_LO 0x14       /* RO: reading it latches EXECSUM_HI */
#define VPDEMO_REG_EXECSUM_HI 0x18       /* RO */
#define VPDEMO_ID             0x56504430 /* "VPD0" */
#define VPDEMO_STATUS_DONE    0x1        /* a batch was executed */

/* The ring: entries of two ULONGs, Client and Sequence. */
#define VPDEMO_RING_ENTRIES 256
#define VPDEMO_ENGINE_BATCH 256 /* a whole ring: the rate moderates interrupts */

/* Mode ports (offsets in BAR3): write a register's index to INDEX (USHORT), then read or
 * write it through DATA (USHORT). */
#define VPDEMO_PORT_INDEX  0x0
#define VPDEMO_PORT_DATA   0x2
#define VPDEMO_MODE_XRES   1
#define VPDEMO_MODE_YRES   2
#define VPDEMO_MODE_BPP    3
#define VPDEMO_MODE_ENABLE 4 /* 1: scanning out the frame buffer */

#endif
