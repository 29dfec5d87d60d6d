"""Small networks for the engine's parity tests, made with Debian's torch/torchvision
(random weights, fixed seeds) and exported to ONNX at test time."""
import torch
import torchvision


class UNet(torch.nn.Module):
    """A compact U-Net: two down steps, two up steps (ConvTranspose and bilinear)."""

    def __init__(self, classes=3, width=8):
        super().__init__()

        def block(i, o):
            return torch.nn.Sequential(torch.nn.Conv2d(i, o, 3, padding=1), torch.nn.BatchNorm2d(o),
                                       torch.nn.ReLU(inplace=True), torch.nn.Conv2d(o, o, 3, padding=1),
                                       torch.nn.ReLU(inplace=True))
        w = width
        self.e1, self.e2, self.e3 = block(3, w), block(w, 2 * w), block(2 * w, 4 * w)
        self.pool = torch.nn.MaxPool2d(2)
        self.up2 = torch.nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2)
        self.d2 = block(4 * w, 2 * w)
        self.d1 = block(3 * w, w)
        self.head = torch.nn.Conv2d(w, classes, 1)

    def forward(self, x):
        e1 = self.e1(x)
        e2 = self.e2(self.pool(e1))
        e3 = self.e3(self.pool(e2))
        u2 = self.up2(e3)
        d2 = self.d2(torch.cat([u2, e2[:, :, :u2.shape[2], :u2.shape[3]]], 1))
        u1 = torch.nn.functional.interpolate(d2, size=e1.shape[2:], mode="bilinear",
                                             align_corners=False)
        return self.head(self.d1(torch.cat([u1, e1], 1)))


def make(name):
    torch.manual_seed(0)
    m = torchvision.models.segmentation
    if name == "fcn_resnet50":
        net = m.fcn_resnet50(weights=None, weights_backbone=None, num_classes=21)
    elif name == "deeplabv3_resnet50":
        net = m.deeplabv3_resnet50(weights=None, weights_backbone=None, num_classes=21)
    elif name == "deeplabv3_resnet50_aux":
        net = m.deeplabv3_resnet50(weights=None, weights_backbone=None, num_classes=21,
                                   aux_loss=True)
    elif name == "lraspp_mobilenet_v3_large":
        net = m.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=21)
    elif name == "unet":
        net = UNet()
    else:
        raise KeyError(name)
    net.eval()
    # Random BN statistics, so folded or not, normalisation is really exercised.
    with torch.no_grad():
        for mod in net.modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
    return net


class Wrap(torch.nn.Module):
    """torchvision's segmentation models return a dict; export its tensors in order."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        y = self.net(x)
        if isinstance(y, dict):
            return tuple(y[k] for k in sorted(y))
        return y


def export(name, path, opset, h, w, dynamic=False):
    net = Wrap(make(name)).eval()
    x = torch.randn(1, 3, h, w, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        ref = net(x)
    ref = ref if isinstance(ref, tuple) else (ref,)
    names = ["out%d" % i for i in range(len(ref))]
    axes = {"x": {2: "h", 3: "w"}} if dynamic else None
    torch.onnx.export(net, x, path, opset_version=opset, input_names=["x"], output_names=names,
                      dynamic_axes=axes)
    return x.numpy(), [r.numpy() for r in ref]
