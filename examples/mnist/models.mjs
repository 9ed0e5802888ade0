// The two models of the main job and their optimizers. The CNN is PyTorch's
//   nn.Sequential(Conv2d(1, 16, 3, padding=1), BatchNorm2d(16), ReLU(), MaxPool2d(2),
//                 Conv2d(16, 32, 3, padding=1), BatchNorm2d(32), ReLU(), MaxPool2d(2),
//                 Flatten(), Linear(32 * 7 * 7, 10))
// trained with AdamW + one-cycle, so its safetensors file loads into that torch model with
// strict=True (names 0.weight, 1.running_mean, …, 9.bias). The MLP keeps the job's earlier recipe.

/** The modules the CNN needs; those missing from `nn` (branches not merged yet) are listed. */
export const CNN_MODULES = ['Sequential', 'Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d', 'Flatten', 'Linear'];
export function missingCnnModules(nn) {
  return CNN_MODULES.filter((name) => typeof nn[name] !== 'function');
}

export function makeCnn(nn) {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10),
  );
}

/**
 * A model with its optimizer and learning-rate schedule for `totalSteps` steps, on the current
 * backend: { model, optimizer, schedule, inputShape(n), describe }.
 */
export function makeTraining(wg, opts, totalSteps, nn = wg.nn) {
  if (opts.model === 'cnn') {
    const model = makeCnn(nn);
    const optimizer = new wg.optim.AdamW(model.parameters(), { lr: opts.lr, weightDecay: opts.weightDecay });
    const schedule = new wg.optim.OneCycleLR(optimizer, { maxLr: opts.lr, totalSteps });
    return {
      model, optimizer, schedule, inputShape: (n) => [n, 1, 28, 28],
      describe: `CNN conv3x3(16)-BN-ReLU-maxpool2, conv3x3(32)-BN-ReLU-maxpool2, linear(1568→10); `
        + `AdamW (weight decay ${opts.weightDecay}) with one-cycle, peak lr ${opts.lr}`,
    };
  }
  const sizes = [784, ...opts.hiddenSizes, 10];
  const model = new nn.MLP(sizes, { activation: 'relu' });
  const optimizer = new wg.optim.SGD(model.parameters(), { lr: opts.lr, momentum: 0.9, nesterov: true });
  const schedule = new wg.optim.CosineAnnealingLR(optimizer, { tMax: totalSteps });
  return {
    model, optimizer, schedule, inputShape: (n) => [n, 784],
    describe: `MLP ${sizes.join('-')} (ReLU); SGD lr ${opts.lr} momentum 0.9 (Nesterov), cosine schedule`,
  };
}

/** Frees a training set-up: gradients, optimizer state, parameters and buffers. */
export function disposeTraining(t) {
  t.model.zeroGrad();
  t.optimizer.dispose();
  t.model.dispose();
}

/** Number of trainable values of a model. */
export function parameterCount(model) {
  return model.parameters().reduce((s, p) => s + p.size, 0);
}
