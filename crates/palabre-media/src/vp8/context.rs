//! Ownership of one libvpx codec context, and libvpx statuses turned into [`CodecError`]s.

use std::ffi::{c_char, c_int, CStr};

use vpx_sys::{
    vpx_codec_control_, vpx_codec_ctx_t, vpx_codec_destroy, vpx_codec_err_t,
    vpx_codec_err_to_string, vpx_codec_error_detail,
};

use crate::error::CodecError;

/// A libvpx encoder or decoder context, initialised and destroyed by this wrapper alone.
pub(super) struct VpxContext {
    /// Boxed so the context keeps its address for its whole life, as libvpx expects of a context it
    /// has initialised.
    raw: Box<vpx_codec_ctx_t>,
}

// SAFETY: libvpx contexts have no thread affinity: any thread may use one as long as only one does at a
// time. This wrapper owns its context exclusively (it is never shared or aliased) and every use goes
// through `&mut self`, so moving it to another thread cannot lead to concurrent access.
unsafe impl Send for VpxContext {}

impl VpxContext {
    /// Runs `init` (a `vpx_codec_*_init_ver` call named `call`) on a fresh context and takes ownership of
    /// the result. On failure libvpx has already released what it allocated, so nothing is destroyed.
    pub(super) fn init(
        call: &'static str,
        init: impl FnOnce(*mut vpx_codec_ctx_t) -> vpx_codec_err_t,
    ) -> Result<Self, CodecError> {
        // SAFETY: every field of vpx_codec_ctx_t is a pointer, an integer, a union of pointers or
        // vpx_codec_err_t, whose zero is VPX_CODEC_OK: all-zero bytes are a valid value.
        let mut raw: Box<vpx_codec_ctx_t> = Box::new(unsafe { std::mem::zeroed() });
        check_status(call, init(&mut *raw))?;
        Ok(Self { raw })
    }

    pub(super) fn as_mut_ptr(&mut self) -> *mut vpx_codec_ctx_t {
        &mut *self.raw
    }

    /// Turns the status of `call` on this context into a result, adding libvpx's detail message.
    pub(super) fn check(
        &mut self,
        call: &'static str,
        status: vpx_codec_err_t,
    ) -> Result<(), CodecError> {
        if status == vpx_codec_err_t::VPX_CODEC_OK {
            return Ok(());
        }
        // SAFETY: the context is initialised and alive; the returned string (possibly null) lives in it.
        let extra = unsafe { optional_c_str(vpx_codec_error_detail(self.as_mut_ptr())) };
        let detail = match extra {
            Some(extra) => format!("{}: {extra}", status_text(status)),
            None => status_text(status),
        };
        Err(CodecError::Vpx {
            call,
            code: status as i32,
            detail,
        })
    }

    /// Sets an integer control (`VP8E_SET_*` and the like), naming it in any error.
    pub(super) fn control(
        &mut self,
        name: &'static str,
        id: u32,
        value: c_int,
    ) -> Result<(), CodecError> {
        // SAFETY: the context is initialised; the controls this crate sets all take an int.
        let status = unsafe { vpx_codec_control_(self.as_mut_ptr(), id as c_int, value) };
        self.check(name, status)
    }
}

impl Drop for VpxContext {
    fn drop(&mut self) {
        // SAFETY: the context was initialised successfully and is destroyed exactly once, here. Its status
        // is ignored: there is nothing left to do if freeing fails.
        unsafe { vpx_codec_destroy(self.as_mut_ptr()) };
    }
}

/// Turns the status of a libvpx call that has no context to ask for details into a result.
pub(super) fn check_status(call: &'static str, status: vpx_codec_err_t) -> Result<(), CodecError> {
    if status == vpx_codec_err_t::VPX_CODEC_OK {
        Ok(())
    } else {
        Err(CodecError::Vpx {
            call,
            code: status as i32,
            detail: status_text(status),
        })
    }
}

fn status_text(status: vpx_codec_err_t) -> String {
    // SAFETY: libvpx returns a static string for every status.
    unsafe { optional_c_str(vpx_codec_err_to_string(status)) }
        .unwrap_or_else(|| format!("{status:?}"))
}

/// # Safety
/// `text` is null or points to a NUL-terminated string that outlives this call.
unsafe fn optional_c_str(text: *const c_char) -> Option<String> {
    (!text.is_null()).then(|| {
        unsafe { CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned()
    })
}
