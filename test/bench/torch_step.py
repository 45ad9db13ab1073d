"""PyTorch peer for the training benchmark: the same U-Net as src-main/workers/training/architectures.ts
('unet': Conv-ReLU-Dropout-Conv-ReLU blocks, 2x2 max pool, 2x2 stride-2 transposed conv, concatenated
skips, 1x1 conv + sigmoid, 'same' padding), one Adam step on BCE, timed on the CPU.

Prints one JSON line: {"msPerStep", "msPerImage", "parameters", "torch", "threads"}.
"""

import argparse
import json
import time

import torch
from torch import nn


def double_conv(cin: int, cout: int, dropout: float) -> nn.Sequential:
    layers = [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True)]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers += [nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


class UNet(nn.Module):
    def __init__(self, base: int, depth: int, dropout: float) -> None:
        super().__init__()
        widths = [base * 2**level for level in range(depth + 1)]
        self.down = nn.ModuleList()
        cin = 1
        for level in range(depth):
            self.down.append(double_conv(cin, widths[level], dropout))
            cin = widths[level]
        self.bottleneck = double_conv(cin, widths[depth], dropout)
        self.up = nn.ModuleList()
        self.decode = nn.ModuleList()
        for level in reversed(range(depth)):
            self.up.append(nn.ConvTranspose2d(widths[level + 1], widths[level], 2, stride=2))
            self.decode.append(double_conv(2 * widths[level], widths[level], dropout))
        self.head = nn.Conv2d(base, 1, 1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        for up, block in zip(self.up, self.decode):
            x = block(torch.cat([up(x), skips.pop()], dim=1))
        return torch.sigmoid(self.head(x))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--px", type=int, default=128)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--base", type=int, default=16)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = UNet(args.base, args.depth, args.dropout).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    # NCHW is PyTorch's native (fastest) CPU layout; the arithmetic is the same as NHWC.
    image = torch.rand(args.batch, 1, args.px, args.px)
    mask = (torch.rand(args.batch, 1, args.px, args.px) > 0.5).float()

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(image), mask)
        loss.backward()
        optimizer.step()
        return loss.detach().item()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    ms_per_step = (time.perf_counter() - start) * 1000 / args.steps
    print(
        json.dumps(
            {
                "msPerStep": ms_per_step,
                "msPerImage": ms_per_step / args.batch,
                "parameters": sum(p.numel() for p in model.parameters()),
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
            }
        )
    )


if __name__ == "__main__":
    main()
