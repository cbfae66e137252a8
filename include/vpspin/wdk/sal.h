/*
 * sal.h - the source annotation language (SAL 2) of the WDK, for a miniport's
 * declarations: _In_, _Out_writes_bytes_(n), _IRQL_requires_max_ (driverspecs.h) ...
 *
 * Microsoft's compiler reads these for /analyze and Static Driver Verifier; gcc and clang
 * do not, so every annotation expands to nothing. The SAL 1 spellings (__in, __out_bcount)
 * are in specstrings.h.
 */
#ifndef VPSPIN_WDK_SAL_H
#define VPSPIN_WDK_SAL_H

/* Parameters. */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(size)
#define _In_reads_opt_(size)
#define _In_reads_bytes_(size)
#define _In_reads_bytes_opt_(size)
#define _In_reads_z_(size)
#define _In_reads_or_z_(size)
#define _In_reads_to_ptr_(ptr)
#define _In_range_(lo, hi)
#define _In_count_(size)
#define _In_bytecount_(size)
#define _In_opt_count_(size)
#define _In_opt_bytecount_(size)
#define _Out_
#define _Out_opt_
#define _Out_z_
#define _Out_writes_(size)
#define _Out_writes_opt_(size)
#define _Out_writes_bytes_(size)
#define _Out_writes_bytes_opt_(size)
#define _Out_writes_to_(size, count)
#define _Out_writes_to_opt_(size, count)
#define _Out_writes_bytes_to_(size, count)
#define _Out_writes_bytes_to_opt_(size, count)
#define _Out_writes_all_(size)
#define _Out_writes_bytes_all_(size)
#define _Out_writes_z_(size)
#define _Out_writes_to_ptr_(ptr)
#define _Out_range_(lo, hi)
#define _Out_cap_(size)
#define _Out_bytecap_(size)
#define _Out_opt_cap_(size)
#define _Out_opt_bytecap_(size)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_opt_z_
#define _Inout_updates_(size)
#define _Inout_updates_opt_(size)
#define _Inout_updates_bytes_(size)
#define _Inout_updates_bytes_opt_(size)
#define _Inout_updates_to_(size, count)
#define _Inout_updates_bytes_to_(size, count)
#define _Inout_updates_all_(size)
#define _Inout_updates_bytes_all_(size)
#define _Inout_updates_z_(size)
#define _Inout_cap_(size)
#define _Inout_bytecap_(size)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_nullonfailure_
#define _Outptr_opt_result_nullonfailure_
#define _Outptr_result_z_
#define _Outptr_result_buffer_(size)
#define _Outptr_result_bytebuffer_(size)
#define _Outptr_result_buffer_maybenull_(size)
#define _Outptr_result_bytebuffer_maybenull_(size)
#define _COM_Outptr_
#define _COM_Outptr_opt_
#define _Reserved_
#define _Pre_
#define _Post_
#define _Deref_in_
#define _Deref_out_
#define _Deref_inout_
#define _Deref_out_opt_
#define _Deref_out_range_(lo, hi)
#define _Deref_in_range_(lo, hi)
#define _Printf_format_string_
#define _Scanf_format_string_
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Post_ptr_invalid_
#define _Post_invalid_
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Pre_null_
#define _Pre_valid_
#define _Pre_opt_valid_
#define _Pre_z_
#define _Pre_readable_size_(size)
#define _Pre_writable_size_(size)
#define _Pre_readable_byte_size_(size)
#define _Pre_writable_byte_size_(size)
#define _Pre_satisfies_(cond)
#define _Post_notnull_
#define _Post_maybenull_
#define _Post_null_
#define _Post_valid_
#define _Post_z_
#define _Post_readable_size_(size)
#define _Post_writable_size_(size)
#define _Post_readable_byte_size_(size)
#define _Post_writable_byte_size_(size)
#define _Post_satisfies_(cond)
#define _Post_equal_to_(expr)
#define _Notnull_
#define _Maybenull_
#define _Null_
#define _Valid_
#define _Notvalid_
#define _Const_
#define _Literal_
#define _Notliteral_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Readable_bytes_(size)
#define _Readable_elements_(size)
#define _Writable_bytes_(size)
#define _Writable_elements_(size)
#define _Interlocked_operand_

/* Functions and results. */
#define _Check_return_
#define _Must_inspect_result_
#define _Success_(expr)
#define _Return_type_success_(expr)
#define _Ret_
#define _Ret_z_
#define _Ret_opt_
#define _Ret_valid_
#define _Ret_null_
#define _Ret_notnull_
#define _Ret_maybenull_
#define _Ret_maybenull_z_
#define _Ret_writes_(size)
#define _Ret_writes_bytes_(size)
#define _Ret_writes_maybenull_(size)
#define _Ret_writes_bytes_maybenull_(size)
#define _Ret_range_(lo, hi)
#define _Result_nullonfailure_
#define _Result_zeroonfailure_
#define _Use_decl_annotations_
#define _Always_(annos)
#define _On_failure_(annos)
#define _When_(cond, annos)
#define _At_(target, annos)
#define _At_buffer_(target, iter, bound, annos)
#define _Group_(annos)
#define _Analysis_assume_(expr)
#define _Analysis_noreturn_
#define _Analysis_mode_(mode)
#define _Inexpressible_(size)
#define _Points_to_data_
#define _Callback_
#define _Strict_type_match_
#define _Translates_Win32_to_HRESULT_(error)

/* Structures. */
#define _Field_size_(size)
#define _Field_size_opt_(size)
#define _Field_size_bytes_(size)
#define _Field_size_bytes_opt_(size)
#define _Field_size_part_(size, count)
#define _Field_size_bytes_part_(size, count)
#define _Field_size_full_(size)
#define _Field_size_bytes_full_(size)
#define _Field_z_
#define _Field_range_(lo, hi)
#define _Struct_size_bytes_(size)

/* Locks (the concurrency part of SAL 2). */
#define _Acquires_lock_(lock)
#define _Releases_lock_(lock)
#define _Requires_lock_held_(lock)
#define _Requires_lock_not_held_(lock)
#define _Requires_no_locks_held_
#define _Acquires_exclusive_lock_(lock)
#define _Releases_exclusive_lock_(lock)
#define _Acquires_shared_lock_(lock)
#define _Releases_shared_lock_(lock)
#define _Requires_exclusive_lock_held_(lock)
#define _Requires_shared_lock_held_(lock)
#define _Acquires_nonreentrant_lock_(lock)
#define _Releases_nonreentrant_lock_(lock)
#define _Guarded_by_(lock)
#define _Write_guarded_by_(lock)
#define _Interlocked_
#define _Post_same_lock_(a, b)
#define _Create_lock_level_(level)
#define _Has_lock_kind_(kind)
#define _Has_lock_level_(level)
#define _Lock_level_order_(a, b)
#define _No_competing_thread_
#define _Benign_race_begin_
#define _Benign_race_end_

#endif /* VPSPIN_WDK_SAL_H */
