/*
 * Adapter from Debian's libsrtp 2.5 to the libsrtp "3.0-alpha" API that
 * mediasoup is written against: lengths are size_t* instead of int*, and
 * srtp_remove_stream() is named srtp_stream_remove().
 */
#ifndef VECHE_SRTP_ADAPTER_H
#define VECHE_SRTP_ADAPTER_H

#include <srtp2/srtp.h>

#ifdef __cplusplus
#include <climits>
#include <cstddef>
#include <cstdint>

namespace veche_srtp_adapter
{
	template<typename Fn>
	inline srtp_err_status_t WithIntLength(Fn fn, size_t* len)
	{
		if (*len > static_cast<size_t>(INT_MAX))
			return srtp_err_status_bad_param;

		int intLen = static_cast<int>(*len);
		const srtp_err_status_t status = fn(&intLen);

		if (status == srtp_err_status_ok)
			*len = static_cast<size_t>(intLen);

		return status;
	}
} // namespace veche_srtp_adapter

inline srtp_err_status_t srtp_protect(srtp_t ctx, void* hdr, size_t* len)
{
	return veche_srtp_adapter::WithIntLength(
	  [&](int* l) { return srtp_protect(ctx, hdr, l); }, len);
}

inline srtp_err_status_t srtp_unprotect(srtp_t ctx, void* hdr, size_t* len)
{
	return veche_srtp_adapter::WithIntLength(
	  [&](int* l) { return srtp_unprotect(ctx, hdr, l); }, len);
}

inline srtp_err_status_t srtp_protect_rtcp(srtp_t ctx, void* hdr, size_t* len)
{
	return veche_srtp_adapter::WithIntLength(
	  [&](int* l) { return srtp_protect_rtcp(ctx, hdr, l); }, len);
}

inline srtp_err_status_t srtp_unprotect_rtcp(srtp_t ctx, void* hdr, size_t* len)
{
	return veche_srtp_adapter::WithIntLength(
	  [&](int* l) { return srtp_unprotect_rtcp(ctx, hdr, l); }, len);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
#endif /* __cplusplus */

#endif /* VECHE_SRTP_ADAPTER_H */
