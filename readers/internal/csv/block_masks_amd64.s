#include "textflag.h"

// func structMasksAVX2(b *byte, n int, delim byte, out *uint64)
//
// AVX2 version of structMasksGeneric (masks.go). n must be a multiple of 64;
// for each 64-byte block k of b[:n] it stores the quote, delimiter, LF and CR
// masks to out[4k], out[4k+1], out[4k+2], out[4k+3] (bit i = byte i of the
// block; the low 32 bits come from the block's first 32 bytes).
TEXT ·structMasksAVX2(SB), NOSPLIT, $0-32
	MOVQ	b+0(FP), SI
	MOVQ	n+8(FP), CX
	MOVBQZX	delim+16(FP), AX
	MOVQ	out+24(FP), DI
	SHRQ	$6, CX // number of 64-byte blocks
	JZ	done

	// Broadcast the four sought bytes: Y0 '"', Y1 delim, Y2 '\n', Y3 '\r'.
	MOVL	$0x22, DX
	MOVQ	DX, X0
	VPBROADCASTB	X0, Y0
	MOVQ	AX, X1
	VPBROADCASTB	X1, Y1
	MOVL	$0x0a, DX
	MOVQ	DX, X2
	VPBROADCASTB	X2, Y2
	MOVL	$0x0d, DX
	MOVQ	DX, X3
	VPBROADCASTB	X3, Y3

	PCALIGN	$16
loop:
	VMOVDQU	(SI), Y4   // bytes 0..31 of the block
	VMOVDQU	32(SI), Y5 // bytes 32..63

	// Quotes.
	VPCMPEQB	Y0, Y4, Y6
	VPCMPEQB	Y0, Y5, Y7
	VPMOVMSKB	Y6, AX // 32-bit result, upper half of RAX zeroed
	VPMOVMSKB	Y7, DX
	SHLQ	$32, DX
	ORQ	DX, AX
	MOVQ	AX, 0(DI)

	// Delimiters.
	VPCMPEQB	Y1, Y4, Y6
	VPCMPEQB	Y1, Y5, Y7
	VPMOVMSKB	Y6, AX
	VPMOVMSKB	Y7, DX
	SHLQ	$32, DX
	ORQ	DX, AX
	MOVQ	AX, 8(DI)

	// LF.
	VPCMPEQB	Y2, Y4, Y6
	VPCMPEQB	Y2, Y5, Y7
	VPMOVMSKB	Y6, AX
	VPMOVMSKB	Y7, DX
	SHLQ	$32, DX
	ORQ	DX, AX
	MOVQ	AX, 16(DI)

	// CR.
	VPCMPEQB	Y3, Y4, Y6
	VPCMPEQB	Y3, Y5, Y7
	VPMOVMSKB	Y6, AX
	VPMOVMSKB	Y7, DX
	SHLQ	$32, DX
	ORQ	DX, AX
	MOVQ	AX, 24(DI)

	ADDQ	$64, SI
	ADDQ	$32, DI
	DECQ	CX
	JNZ	loop

done:
	VZEROUPPER
	RET
