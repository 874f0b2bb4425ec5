"""The training step gainstream times in `bench model`, in plain PyTorch: the peer to beat.

The backbone is rebuilt from the same ONNX file by a small graph walker (Conv, Clip, Relu, Add,
BatchNormalization, Identity up to the global average pooling, the cut gainstream makes too),
with the same head (a 1x1 convolution to class maps, their spatial mean as scores), the same
frozen layers (`--fine-tune`: all, last third, none), the same losses (multi-label soft margin;
gain adds attention mining: every labelled class's map, upsampled, min-max normalised, soft-masked
at sigma 0.5 and omega 10, erases its image, which is scored again), the same Adam settings and
the same batch of random pixels and labels. Written the way a PyTorch user would: ReLU6 is
hardtanh, PyTorch's own fused kernel.

Prints one line per measurement: `PEER train METHOD BATCH STEPS_PER_S` and
`PEER infer SIZE BATCH IMAGES_PER_S`.
"""

import argparse
import os
import statistics
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


class OnnxBackbone(torch.nn.Module):
    def __init__(self, path, fine_tune):
        super().__init__()
        graph = onnx.load(path).graph
        self.inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
        self.input = [i.name for i in graph.input if i.name not in self.inits][0]
        self.nodes = []
        self.output = None
        for n in graph.node:
            if n.op_type == "GlobalAveragePool" or (n.op_type == "ReduceMean" and attr(n, "axes", []) == [2, 3]):
                self.output = n.input[0]
                break
            self.nodes.append(n)
        if self.output is None:
            raise SystemExit("torch_peer: no global average pooling in the graph")
        weighted = [n for n in self.nodes if n.op_type in ("Conv", "BatchNormalization")]
        frozen = {"all": 0, "last": len(weighted) - len(weighted) // 3, "none": len(weighted)}[fine_tune]
        self.weights = torch.nn.ParameterDict()
        self.trainable = set()
        for k, n in enumerate(weighted):
            if k >= frozen:
                self.trainable.add(n.output[0])
            # batch-norm's running statistics stay buffers (inputs 3 and 4), as in gainstream
            learnt = n.input[1:3] if n.op_type == "BatchNormalization" else n.input[1:]
            for name in learnt:
                if name in self.inits:
                    p = torch.nn.Parameter(self.inits[name].float(), requires_grad=k >= frozen)
                    self.weights[self.key(name)] = p
        self.batch_statistics = False
        self.mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
        self.std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

    @staticmethod
    def key(name):
        return name.replace(".", "_")

    def value(self, env, name):
        if name in env:
            return env[name]
        if self.key(name) in self.weights:
            return self.weights[self.key(name)]
        return self.inits[name]

    def forward(self, x):
        env = {self.input: (x - self.mean) / self.std}
        for n in self.nodes:
            op = n.op_type
            if op == "Constant":
                env[n.output[0]] = torch.from_numpy(numpy_helper.to_array(attr(n, "value", None)).copy())
                continue
            a = self.value(env, n.input[0])
            if op == "Conv":
                if attr(n, "auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                    raise SystemExit("torch_peer: Conv with auto_pad is not supported by the peer")
                pads = attr(n, "pads", [0, 0, 0, 0])
                if pads[0] != pads[2] or pads[1] != pads[3]:
                    a = F.pad(a, (pads[1], pads[3], pads[0], pads[2]))
                    pads = [0, 0, 0, 0]
                bias = self.value(env, n.input[2]) if len(n.input) > 2 else None
                y = F.conv2d(a, self.value(env, n.input[1]), bias, stride=tuple(attr(n, "strides", [1, 1])),
                             padding=(pads[0], pads[1]), dilation=tuple(attr(n, "dilations", [1, 1])),
                             groups=attr(n, "group", 1))
            elif op == "Clip":
                lo = float(self.value(env, n.input[1])) if len(n.input) > 1 and n.input[1] else attr(n, "min", -3.4e38)
                hi = float(self.value(env, n.input[2])) if len(n.input) > 2 and n.input[2] else attr(n, "max", 3.4e38)
                y = F.hardtanh(a, lo, hi)
            elif op == "Relu":
                y = F.relu(a)
            elif op == "Add":
                y = a + self.value(env, n.input[1])
            elif op == "BatchNormalization":
                v = [self.value(env, i) for i in n.input[1:5]]
                # batch statistics where the layer trains and the step is cam's (gainstream's
                # trainer.forward); the file's statistics in frozen layers and once mining is on
                train = self.batch_statistics and n.output[0] in self.trainable
                y = F.batch_norm(a, v[2].clone() if train else v[2], v[3].clone() if train else v[3],
                                 v[0], v[1], training=train, eps=attr(n, "epsilon", 1e-5))
            elif op in ("Identity", "Dropout"):
                y = a
            else:
                raise SystemExit(f"torch_peer: unsupported op {op}")
            env[n.output[0]] = y
        return env[self.output]


class Net(torch.nn.Module):
    def __init__(self, path, fine_tune, classes):
        super().__init__()
        self.backbone = OnnxBackbone(path, fine_tune)
        with torch.no_grad():
            channels = self.backbone(torch.zeros(1, 3, 32, 32)).shape[1]
        self.head = torch.nn.Conv2d(channels, classes, 1)

    def forward(self, x):
        cam = self.head(self.backbone(x))
        return cam.mean(dim=(2, 3)), cam


def attention(cam, size):
    a = F.interpolate(F.relu(cam), size=(size, size), mode="bilinear", align_corners=False)
    flat = a.flatten(2)
    lo = flat.min(dim=2, keepdim=True).values.unsqueeze(-1)
    hi = flat.max(dim=2, keepdim=True).values.unsqueeze(-1)
    return (a - lo) / (hi - lo + 1e-5)


def step(net, optimizer, x, y, mining):
    net.backbone.batch_statistics = not mining
    logits, cam = net(x)
    loss = F.multilabel_soft_margin_loss(logits, y)
    if mining:
        maps = attention(cam, x.shape[-1])
        pairs = y.nonzero()
        i, c = pairs[:, 0], pairs[:, 1]
        per_image = y.sum(dim=1)
        labelled = (per_image > 0).sum()
        weights = 1.0 / (per_image[i] * labelled)
        soft = torch.sigmoid((maps[i, c] - 0.5) * 10.0)
        net.backbone.batch_statistics = False
        erased_logits, _ = net(x[i] * (1 - soft).unsqueeze(1))
        score = torch.sigmoid(erased_logits).gather(1, c.unsqueeze(1)).squeeze(1)
        loss = loss + (score * weights).sum()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--backbone", required=True)
    p.add_argument("--fine-tune", default="last")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--methods", default="cam,gain")
    p.add_argument("--batches", default="16")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--infer-size", type=int, default=448)
    p.add_argument("--infer-batches", default="8")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--two-label-rate", type=float, default=0.35)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    classes = 4
    for method in filter(None, args.methods.split(",")):
        for b in (int(v) for v in args.batches.split(",")):
            net = Net(args.backbone, args.fine_tune, classes)
            backbone = [q for q in net.backbone.parameters() if q.requires_grad]
            optimizer = torch.optim.Adam([
                {"params": list(net.head.parameters()), "lr": 1e-3},
                {"params": backbone, "lr": 1e-4}], weight_decay=1e-4)
            g = np.random.default_rng(1)

            def batch():
                y = np.zeros((b, classes), dtype=np.float32)
                # one class, or two with gainstream's synthetic rate (SyntheticDataset's 0.35)
                for r in range(b):
                    y[r, g.choice(classes, size=2 if g.random() < args.two_label_rate else 1, replace=False)] = 1
                return torch.rand(b, 3, args.size, args.size), torch.from_numpy(y)

            for _ in range(3):
                step(net, optimizer, *batch(), method == "gain")
            rates = []
            for _ in range(args.repeats):
                batches = [batch() for _ in range(args.steps)]
                t0 = time.perf_counter()
                for x, y in batches:
                    step(net, optimizer, x, y, method == "gain")
                rates.append(args.steps / (time.perf_counter() - t0))
            print(f"PEER train {method} {b} {statistics.median(rates):.3f}", flush=True)
    net = Net(args.backbone, args.fine_tune, classes).eval()
    for b in (int(v) for v in args.infer_batches.split(",")):
        x = torch.rand(b, 3, args.infer_size, args.infer_size)
        with torch.no_grad():
            for _ in range(2):
                attention(net(x)[1], args.infer_size)
            rates = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                for _ in range(4):
                    attention(net(x)[1], args.infer_size)
                rates.append(4 * b / (time.perf_counter() - t0))
        print(f"PEER infer {args.infer_size} {b} {statistics.median(rates):.1f}", flush=True)


if __name__ == "__main__":
    main()
