"""IPP Everywhere printers and CUPS queues over IPP: send the badge, follow the job to the end."""

from __future__ import annotations

import io
import time

from PIL import Image

from printers import ipp
from printers.base import BadgePrinter, PrinterError, PrintResult
from printers.pdf import badge_pdf
from printers.png import encode_png
from printers.templates import Template

# Preferred first: PDF keeps the page size; PNG and JPEG are what IPP Everywhere guarantees.
FORMATS = ("application/pdf", "image/png", "image/jpeg")
PWG_MEDIA = {"4x3": "oe_4x3-label_4x3in", "4x6": "na_index-4x6_4x6in", "a6": "iso_a6_105x148mm"}
BUSY = {0x0507, 0x0506, 0x0502}  # server-error-busy, not-accepting-jobs, service-unavailable


class IppPrinter(BadgePrinter):
    """An `ipp://` or `ipps://` printer; waits for completion up to `wait_seconds`."""

    def __init__(self, url: str, template: Template, *, document_format: str | None = None,
                 wait_seconds: float = 120.0, poll_seconds: float = 0.1,
                 timeout: float = ipp.TIMEOUT) -> None:  # fmt: skip
        self.url, self.template = url, template
        self.uri = url.split("?", 1)[0]
        self.document_format = document_format
        self.wait_seconds, self.poll_seconds, self.timeout = wait_seconds, poll_seconds, timeout
        self._request_id = 0

    def _request(self, message: ipp.IppMessage, attrs: list) -> ipp.IppMessage:
        """One request with this printer's timeout, its status turned into a PrinterError."""
        answer = ipp.request(self.uri, message, attrs, timeout=self.timeout)
        _check_status(answer, self.uri)
        return answer

    def _next_id(self) -> int:
        self._request_id += 1
        return self._request_id

    def printer_attributes(self) -> ipp.IppMessage:
        """Get-Printer-Attributes: state, accepted formats and media."""
        wanted = ["printer-state", "printer-state-reasons", "printer-is-accepting-jobs",
                  "document-format-supported", "media-supported",
                  "printer-make-and-model"]  # fmt: skip
        attrs = ipp.operation_attributes(
            self.uri,
            (ipp.KEYWORD, "requested-attributes", wanted),  # type: ignore[arg-type]
        )
        message = ipp.IppMessage(ipp.GET_PRINTER_ATTRIBUTES, self._next_id())
        return self._request(message, [(ipp.OPERATION, attrs)])

    def check(self) -> str:
        """The printer's state ("idle", "processing", "stopped") and reasons, if any."""
        answer = self.printer_attributes()
        state = {3: "idle", 4: "processing", 5: "stopped"}.get(
            answer.first(ipp.PRINTER, "printer-state", 0),
            "unknown",  # type: ignore[arg-type]
        )
        reasons = [
            r for r in answer.group(ipp.PRINTER).get("printer-state-reasons", []) if r != "none"
        ]
        return state + (f" ({', '.join(map(str, reasons))})" if reasons else "")

    def _document(self, image: Image.Image, t: Template, supported: list[str]) -> tuple[bytes, str]:
        fmt = self.document_format or next((f for f in FORMATS if f in supported), None)
        if fmt is None:
            raise PrinterError(
                f"The printer at {self.uri} takes none of PDF, PNG or JPEG (it offers "
                f"{', '.join(supported) or 'nothing'}). Add it as a CUPS queue and use cups://.",
                code="unsupported_format",
            )
        if fmt == "application/pdf":
            return badge_pdf([image], t.dpi), fmt
        if fmt == "image/png":
            return encode_png(image, t.dpi), fmt
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=95, dpi=(t.dpi,) * 2)
        return out.getvalue(), fmt

    def print_image(
        self, image: Image.Image, *, job_name: str = "badge", template: Template | None = None
    ) -> PrintResult:
        """Print-Job, then Get-Job-Attributes until completed, canceled or aborted."""
        t = template or self.template
        info = self.printer_attributes()
        printer = info.group(ipp.PRINTER)
        document, fmt = self._document(
            image, t, [str(f) for f in printer.get("document-format-supported", [])]
        )
        op = [(ipp.NAME, "requesting-user-name", "kiosk"), (ipp.NAME, "job-name", job_name),
              (ipp.MIME, "document-format", fmt)]  # fmt: skip
        job: list[tuple[int, str, ipp.Value]] = [(ipp.INTEGER, "copies", 1)]
        media = PWG_MEDIA.get(t.name)
        if media and media in printer.get("media-supported", []):
            job.append((ipp.KEYWORD, "media", media))  # only when offered: else it cancels
        message = ipp.IppMessage(ipp.PRINT_JOB, self._next_id(), data=document)
        answer = self._request(
            message, [(ipp.OPERATION, ipp.operation_attributes(self.uri, *op)), (ipp.JOB, job)]
        )
        job_id = answer.first(ipp.JOB, "job-id")
        if not isinstance(job_id, int):
            raise PrinterError(
                "The printer accepted the badge but gave no job number.", code="protocol"
            )
        return self.follow(job_id)

    def job_attributes(self, job_id: int) -> ipp.IppMessage:
        """Get-Job-Attributes for one job."""
        attrs = ipp.operation_attributes(self.uri, (ipp.INTEGER, "job-id", job_id))
        message = ipp.IppMessage(ipp.GET_JOB_ATTRIBUTES, self._next_id())
        return self._request(message, [(ipp.OPERATION, attrs)])

    def follow(self, job_id: int) -> PrintResult:
        """Poll the job until it ends; a job still running at the deadline is reported as sent."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            job = self.job_attributes(job_id).group(ipp.JOB)
            state = int(job.get("job-state", [0])[0])  # type: ignore[arg-type]
            reasons = ", ".join(str(r) for r in job.get("job-state-reasons", []))
            if state == 9:
                return PrintResult(self.url, "printed", str(job_id), reasons)
            if state in (7, 8):
                text = str((job.get("job-state-message") or [""])[0]) or reasons or "no reason"
                raise PrinterError(
                    f"The printer {JOB_WORD[state]} badge job {job_id}: {text}.",
                    code="job_failed",
                    retryable=state == 8,
                )
            if time.monotonic() >= deadline:
                return PrintResult(
                    self.url, "sent", str(job_id), f"still {ipp.JOB_STATES.get(state)}"
                )
            time.sleep(self.poll_seconds)


JOB_WORD = {7: "canceled", 8: "aborted"}


def _check_status(answer: ipp.IppMessage, uri: str) -> None:
    """Turn an IPP error status into a message for people."""
    if answer.code < 0x0100:
        return
    text = str(answer.first(ipp.OPERATION, "status-message", "") or "")
    detail = f" ({text})" if text else ""
    if answer.code in BUSY:
        raise PrinterError(
            f"The printer at {uri} is busy or paused{detail}; the badge will be sent again.",
            code="busy",
            retryable=True,
        )
    raise PrinterError(
        f"The printer at {uri} refused the badge: IPP status 0x{answer.code:04x}{detail}.",
        code="rejected",
    )
