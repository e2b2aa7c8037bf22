// The storefront's Cart journey of examples/journey.rs, with OrderCloud's official
// JavaScript SDK 12.0.0, unchanged, against the standalone simulator: browse anonymously
// with an xp filter, fill the cart, change a line, estimate shipping, select a ship method,
// calculate, read the worksheet, register (the cart is kept), sign in, ship to an address,
// submit, and find the order among the user's. Each step checks what OrderCloud documents;
// the first that does not hold stops it with exit code 1.
//
// A maintainer runs it where node is present; CI runs the same journey in Rust
// (crates/ordercloud-simulator/tests/journey.rs). Install the SDK in a scratch directory
// outside the repository, from the package spec/README.md pins (SHA-256 541ac1b2...):
//
//   mkdir /tmp/oc-cart && cd /tmp/oc-cart
//   npm pack ordercloud-javascript-sdk@12.0.0        # ordercloud-javascript-sdk-12.0.0.tgz
//   npm init -y && npm install ./ordercloud-javascript-sdk-12.0.0.tgz axios@1.21.1
//
// then, from the repository's root, with the simulator running (`cargo run -p
// ordercloud-simulator`, which serves http://127.0.0.1:4300):
//
//   node examples/js/cart-journey.mjs /tmp/oc-cart [http://127.0.0.1:4300]
//
// It resets the simulator and seeds examples/marketplace.json over its control routes,
// serves the storefront's checkout integration (shipping rates and 8% tax) on 127.0.0.1,
// and registers it as the storefront's OrderCheckout integration event with the SDK.
// Nothing leaves the machine.

import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [scratch, baseUrl = 'http://127.0.0.1:4300'] = process.argv.slice(2);
if (!scratch) {
  console.error('usage: node examples/js/cart-journey.mjs <directory where ordercloud-javascript-sdk@12.0.0 is installed> [base URL]');
  process.exit(2);
}
const requireFromScratch = createRequire(join(resolve(scratch), 'package.json'));
const sdkPackage = requireFromScratch('ordercloud-javascript-sdk/package.json');
if (sdkPackage.version !== '12.0.0') {
  console.error(`ordercloud-javascript-sdk is ${sdkPackage.version}, not 12.0.0`);
  process.exit(1);
}
const { Configuration, Auth, Tokens, Me, Cart, IntegrationEvents, ApiClients } = requireFromScratch('ordercloud-javascript-sdk');

const STOREFRONT = 'storefront';
const PASSWORD = 'Summer-Ride-2027';

function check(condition, what) {
  if (!condition) {
    throw new Error(`not so: ${what}`);
  }
}

async function control(path, body) {
  const response = await fetch(`${baseUrl}/_simulator/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  check(response.ok, `POST /_simulator/${path} answered ${response.status}`);
}

// The storefront's checkout integration: what OrderCloud's OrderCheckout event POSTs the
// order's worksheet to. Two ship methods; 8% tax on the subtotal, rounded to the cent.
function checkoutIntegration() {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const order = JSON.parse(body || '{}').OrderWorksheet?.Order ?? {};
      const answers = {
        '/checkout/shippingrates': {
          ShipEstimates: [{ ID: 'parcel', ShipEstimateItems: [], ShipMethods: [
            { ID: 'ground', Name: 'Ground', Cost: 9.5, EstimatedTransitDays: 5 },
            { ID: 'express', Name: 'Express', Cost: 24, EstimatedTransitDays: 1 },
          ] }],
        },
        '/checkout/ordercalculate': {
          ShippingTotal: order.ShippingCost,
          TaxTotal: Math.round(order.Subtotal * 8) / 100,
        },
        '/checkout/ordersubmit': {},
      };
      const answer = answers[request.url];
      response.writeHead(answer ? 200 : 404, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(answer ?? {}));
    });
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

const server = await checkoutIntegration();
try {
  Configuration.Set({ baseApiUrl: baseUrl, clientID: STOREFRONT });
  await control('reset');
  await control('seed', JSON.parse(readFileSync('examples/marketplace.json', 'utf8')));
  const backOffice = await Auth.ClientCredentials('back-office-secret', 'storefront-back-office');
  const asBackOffice = { accessToken: backOffice.access_token };
  await IntegrationEvents.Create({
    ID: 'checkout', Name: 'Shipping and tax', EventType: 'OrderCheckout',
    CustomImplementationUrl: `http://127.0.0.1:${server.address().port}/checkout`, HashKey: 'checkout-hash-key',
  }, asBackOffice);
  await ApiClients.Patch(STOREFRONT, { OrderCheckoutIntegrationEventID: 'checkout' }, asBackOffice);
  console.log(`seeded ${baseUrl} and registered the checkout integration`);

  const anonymous = await Auth.Anonymous(STOREFRONT);
  Tokens.SetAccessToken(anonymous.access_token);
  const products = await Me.ListProducts({ catalogID: 'summer', filters: { 'xp.Sport': 'Cycling' }, sortBy: ['Name'] });
  const names = products.Items.map((product) => product.Name);
  check(names.join() === 'Bottle,Helmet,Road bike', `the cycling products by name: ${names}`);
  console.log(`${products.Meta.TotalCount} cycling products: ${names.join(', ')}`);

  const empty = await Cart.Get();
  check(empty.ID === null && empty.LineItemCount === 0, 'an empty cart has a null ID');
  await Cart.CreateLineItem({ ProductID: 'road-bike', Quantity: 1 });
  const helmet = await Cart.CreateLineItem({ ProductID: 'helmet', Quantity: 1 });
  check(helmet.UnitPrice === 59, `a helmet at 59, not ${helmet.UnitPrice}`);
  const two = await Cart.PatchLineItem(helmet.ID, { Quantity: 2 });
  check(two.UnitPrice === 49.5 && two.LineSubtotal === 99, 'two helmets at the price break of 49.50');
  const listed = await Cart.ListLineItems();
  check(listed.Meta.TotalCount === 2, 'two lines in the cart');
  console.log('the cart: empty with a null ID, then a road bike and two helmets at 49.50');

  const estimated = await Cart.EstimateShipping();
  const methods = estimated.ShipEstimateResponse.ShipEstimates[0].ShipMethods.map((method) => `${method.Name} ${method.Cost}`);
  await Cart.SelectShipMethods({ ShipMethodSelections: [{ ShipEstimateID: 'parcel', ShipMethodID: 'ground' }] });
  const calculated = await Cart.Calculate();
  const totals = calculated.Order;
  check(totals.Subtotal === 998 && totals.ShippingCost === 9.5 && totals.TaxCost === 79.84 && totals.Total === 1087.34,
    `998 + 9.50 + 79.84 = 1087.34, not ${JSON.stringify(totals)}`);
  const worksheet = await Cart.GetOrderWorksheet();
  check(worksheet.LineItems.length === 2 && worksheet.OrderCalculateResponse.Succeeded, 'the worksheet has it all');
  console.log(`shipping offered: ${methods.join(', ')}; calculated with ground: total ${totals.Total}`);

  const registered = await Me.Register(
    { Username: 'ada', FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com', Password: PASSWORD, Active: true },
    { anonUserToken: anonymous.access_token },
  );
  Tokens.SetAccessToken(registered.access_token);
  const kept = await Cart.Get();
  check(kept.ID === totals.ID && kept.LineItemCount === 2, 'registering keeps the cart');
  console.log('registered ada: the cart is still theirs');

  const login = await Auth.Login('ada', PASSWORD, STOREFRONT);
  Tokens.SetAccessToken(login.access_token);
  await Cart.SetShippingAddress({ FirstName: 'Ada', LastName: 'Lovelace', Street1: '12 Harbour Street', City: 'Porto', Zip: '4000-001', Country: 'PT' });
  const order = await Cart.Submit();
  check(order.Status === 'Open' && order.ID === totals.ID, `submitted and open, not ${order.Status}`);
  const next = await Cart.Get();
  check(next.ID === null, 'the next cart is a new one');
  const mine = await Me.ListOrders();
  check(mine.Items.length === 1 && mine.Items[0].ID === order.ID, 'the order among the user\'s');
  console.log(`signed in, shipped to Porto and submitted: ${order.Status}, total ${order.Total}; the order is in Me.ListOrders`);
} catch (error) {
  const detail = error.response?.data ? ` ${JSON.stringify(error.response.data)}` : '';
  console.error(`cart journey: ${error.message}${detail}`);
  process.exitCode = 1;
} finally {
  server.close();
}
